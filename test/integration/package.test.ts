// The lab installed from its packed tarball (npm pack, then npm install) works exactly as from the repo.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/broker/provider.js';
import { packageRoot } from '../../src/core/paths.js';
import { startTestBroker } from './support/broker.js';

let broker: RunningBroker;
let dir: string;

function npx(args: string[], timeout = 120_000) {
  return spawnSync('npx', ['--no-install', 'kafka-dup-lab', ...args], { cwd: dir, encoding: 'utf8', timeout, env: { ...process.env, NO_COLOR: '1' } });
}

beforeAll(async () => {
  broker = await startTestBroker();
  dir = mkdtempSync(join(tmpdir(), 'dup-lab-pack-'));
  const pack = spawnSync('npm', ['pack', '--pack-destination', dir], { cwd: packageRoot(), encoding: 'utf8', timeout: 120_000 });
  if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
  writeFileSync(join(dir, 'package.json'), '{"name":"lab-user","private":true}\n');
  // The npm cache already holds every dependency from the repo's own install.
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', `./${tarball}`], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
  if (install.status !== 0) throw new Error(`npm install of the tarball failed: ${install.stderr.slice(-2000)}`);
}, 420_000);

afterAll(async () => {
  await broker?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('installed from the tarball', () => {
  it('holds only what a user needs', () => {
    const files = spawnSync('tar', ['tzf', join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz'))!)], { encoding: 'utf8' }).stdout.split('\n');
    expect(files).toContain('package/bin/kafka-dup-lab.js');
    expect(files).toContain('package/dist/src/processes/worker.js');
    expect(files).toContain('package/dist/src/processes/server-guardian.js');
    expect(files).toContain('package/schema/run-v1.schema.json');
    expect(files.filter((f) => f.startsWith('package/test/') || f.startsWith('package/dist/test/'))).toEqual([]);
  });

  it('answers --version and list', () => {
    const version = npx(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(npx(['list']).stdout).toMatch(/^dual-write /m);
  });

  it('runs a producer scenario (chaos proxy) and a consumer scenario (worker processes, SQLite)', () => {
    const producer = npx(['run', 'producer-retry', '--bootstrap', broker.bootstrap, '--variant', 'retries', '--messages', '200', '--faults', '1', '--json']);
    expect(producer.status, producer.stderr).toBe(0);
    expect(JSON.parse(producer.stdout).scenarios[0].variants[0].counts.duplicates).toBeGreaterThan(0);
    const consumer = npx(['run', 'consumer-crash', '--bootstrap', broker.bootstrap, '--variant', 'processed-table', '--json']);
    expect(consumer.status, consumer.stderr).toBe(0);
    expect(JSON.parse(consumer.stdout).scenarios[0].variants[0].counts).toMatchObject({ duplicateEffects: 0, effects: 200 });
  });
});
