// A throw-away PostgreSQL server for tests: KAFKA_DUP_LAB_TEST_PG_URL if set, else one started from the
// installed binaries (initdb + pg_ctl, as the postgres user when running as root), else none.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../src/broker/ports.js';

export interface TestPostgres {
  url: string;
  stop(): void;
}

function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  const bin = versions.map((v) => join(root, v, 'bin')).find((dir) => existsSync(join(dir, 'initdb')));
  return bin;
}

export const postgresAvailable = Boolean(process.env.KAFKA_DUP_LAB_TEST_PG_URL) || postgresBin() !== undefined;

export async function startTestPostgres(): Promise<TestPostgres> {
  if (process.env.KAFKA_DUP_LAB_TEST_PG_URL) return { url: process.env.KAFKA_DUP_LAB_TEST_PG_URL, stop: () => undefined };
  const bin = postgresBin();
  if (!bin) throw new Error('no PostgreSQL binaries (apt-get install postgresql) and no KAFKA_DUP_LAB_TEST_PG_URL');
  const dir = mkdtempSync(join(tmpdir(), 'dup-lab-test-pg-'));
  const port = await freePort();
  // PostgreSQL refuses to run as root.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(dir, Number(ids.stdout.trim()), Number(gid.stdout.trim()));
  }
  const run = (command: string, args: string[]) => {
    const full = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]] : [join(bin, command), args];
    const result = spawnSync(full[0] as string, full[1] as string[], { encoding: 'utf8', timeout: 60_000 });
    if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr || result.stdout}`);
  };
  run('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
  run('pg_ctl', ['-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        run('pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
