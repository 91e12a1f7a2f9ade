// The CLI as a user meets it: exit codes, one-line errors, --json, --keep-topics, against a real broker.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/broker/provider.js';
import { withAdmin } from '../../src/kafka/client.js';
import { RUN_SCHEMA } from '../../src/report/json.js';
import { scenarios } from '../../scenarios/index.js';
import { startTestBroker } from './support/broker.js';
import { runCli } from './support/cli.js';
import { validateRunReport } from './support/schema.js';

let broker: RunningBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker?.stop();
});

/** A user mistake ends in exactly one line on stderr, no stack trace. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/^\s+at /m);
}

describe('usage errors exit 2 with one clear line', () => {
  it('unknown scenario', async () => {
    const r = await runCli(['run', 'no-such-scenario']);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /unknown scenario "no-such-scenario".*producer-retry/);
  });

  it('unknown variant names the variants there are', async () => {
    const r = await runCli(['run', 'producer-retry', '--variant', 'nope']);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /no variant "nope".*retries, no-retries, no-retries-lost-request, idempotent/);
  });

  it.each([
    [['--messages', 'abc'], /--messages must be a whole number/],
    [['--messages', '0'], /--messages must be a whole number from 1/],
    [['--seed', '-3'], /--seed must be a whole number/],
    [['--broker', 'cloud'], /--broker must be one of auto, local, container, external/],
    [['--bootstrap', 'localhost'], /--bootstrap "localhost" is not host:port/],
    [['--broker', 'local', '--bootstrap', 'localhost:9092'], /--bootstrap goes with --broker external/],
    [['--kafka-version', '2.8.0'], /--kafka-version 2.8.0 is not supported/],
    [['--messages', '50'], /--messages 50 is too few for producer-retry: it needs at least 100/],
    [['--out', '/no/such/dir/out.json'], /--out \/no\/such\/dir\/out.json: cannot write to \/no\/such\/dir/],
  ])('bad option %j', async (args, pattern) => {
    const r = await runCli(['run', 'producer-retry', ...args]);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, pattern);
  });

  it.each([
    [['run', 'producer-retry', '--frobnicate'], /^kafka-dup-lab: unknown option '--frobnicate'; see --help$/],
    [['runn'], /^kafka-dup-lab: unknown command 'runn' \(did you mean run\?\); see --help$/],
    [['run'], /^kafka-dup-lab: missing required argument 'scenario'; see --help$/],
    [['proxy'], /^kafka-dup-lab: required option '--target <host:port>' not specified; see --help$/],
    [['run', 'producer-retry', '--pg-url', 'garbage'], /--pg-url must be a postgres:\/\/ or postgresql:\/\/ URL/],
    [['run', 'producer-retry', '--pg-url', 'postgres://lab@localhost/lab'], /--pg-url goes with a scenario that writes to a business database: consumer-crash/],
  ])('%j: one line from the parser, exit 2', async (args, pattern) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, pattern);
  });
});

describe('environment errors exit 1', () => {
  it('an unreachable bootstrap fails fast with one line', async () => {
    const r = await runCli(['run', 'producer-retry', '--bootstrap', '127.0.0.1:1'], { timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, /Cannot reach Kafka at 127\.0\.0\.1:1/);
    expect(r.ms).toBeLessThan(20_000);
  });

  it('a --redis-url where nothing listens fails with one line, before any broker starts', async () => {
    const r = await runCli(['run', 'consumer-crash', '--variant', 'redis-setnx', '--redis-url', 'redis://127.0.0.1:1'], { timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, /^kafka-dup-lab: Cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(connect ECONNREFUSED 127\.0\.0\.1:1\); check --redis-url/);
  });

  it('a --redis-url where something other than Redis answers says so', async () => {
    const server = createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const r = await runCli(['run', 'consumer-crash', '--variant', 'redis-setnx', '--redis-url', `redis://127.0.0.1:${port}`], { timeoutMs: 30_000 });
      expect(r.code).toBe(1);
      expectOneLine(r.stderr, /Cannot reach Redis at .* \(something other than Redis answers there\)/);
    } finally {
      server.close();
    }
  });
});

describe('commands', () => {
  it('list shows every scenario with its variants', async () => {
    const r = await runCli(['list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^producer-retry /m);
    expect(r.stdout).toMatch(/idempotent-sync/);
  });

  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('run --json --keep-topics prints the documented JSON and leaves the named topics on the broker', async () => {
    const r = await runCli(
      ['run', 'producer-retry', '--bootstrap', broker.bootstrap, '--variant', 'no-retries', '--messages', '300', '--faults', '2', '--json', '--keep-topics'],
      { timeoutMs: 60_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.schema).toBe(RUN_SCHEMA);
    expect(report.broker.provider).toBe('external');
    const variant = report.scenarios[0].variants[0];
    expect(variant.variant).toBe('no-retries');
    expect(variant.counts.sent).toBe(300);
    expect(variant.counts.duplicates).toBe(0);
    expect(report.keptTopics).toHaveLength(1);
    const topics = await withAdmin(broker.bootstrap, (admin) => admin.listTopics());
    expect(topics).toContain(report.keptTopics[0]);
  });

  it('without --keep-topics the run deletes its topics', async () => {
    const before = await withAdmin(broker.bootstrap, (admin) => admin.listTopics());
    const r = await runCli(['run', 'producer-retry', '--bootstrap', broker.bootstrap, '--variant', 'retries', '--messages', '200', '--faults', '1'], {
      timeoutMs: 60_000,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/retries/);
    const after = await withAdmin(broker.bootstrap, (admin) => admin.listTopics());
    expect(after.filter((t) => !before.includes(t) && t.startsWith('dup-lab-'))).toEqual([]);
  });
});

describe('workshop commands', () => {
  it('explain tells every scenario\'s story with kafkajs and Java settings', async () => {
    for (const name of scenarios.map((sc) => sc.name)) {
      const r = await runCli(['explain', name]);
      expect(r.code, name).toBe(0);
      for (const heading of ['What goes wrong', 'Variants', 'Settings with kafkajs', 'Settings with the Java client', 'Where kafkajs differs']) {
        expect(r.stdout, `${name}: ${heading}`).toContain(heading);
      }
      // Producer settings per client only for the producer scenarios: a consumer scenario's workers say theirs in the story.
      const producerScenario = ['producer-retry', 'error-after-append', 'acks-zero', 'reorder'].includes(name);
      expect(r.stdout.includes('What the lab sets with --client'), name).toBe(producerScenario);
    }
  });

  it('explain of an unknown scenario is a usage error', async () => {
    const r = await runCli(['explain', 'nope']);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /unknown scenario "nope"/);
  });

  it('list shows every scenario', async () => {
    const r = await runCli(['list']);
    for (const name of scenarios.map((sc) => sc.name)) {
      expect(r.stdout).toMatch(new RegExp(`^${name} `, 'm'));
    }
  });

  it('every command has --help with an example', async () => {
    for (const command of ['run', 'check', 'report', 'list', 'explain', 'broker', 'prepare', 'proxy', 'doctor']) {
      const r = await runCli([command, '--help']);
      expect(r.code, command).toBe(0);
      expect(r.stdout, command).toMatch(/Example/);
    }
  });

  it('doctor finds the local provider on this machine', async () => {
    const r = await runCli(['doctor'], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/provider local\s+│ ok/);
  });

  it.each([
    [['run', 'all', '--variant', 'retries'], /--variant goes with one scenario/],
    [['run', 'producer-retry', '--json', '--markdown'], /--json and --markdown are two outputs/],
    [['run', 'consumer-crash', '--faults', '3'], /consumer-crash injects 1 fault per variant; --faults applies to producer-retry, error-after-append, acks-zero and reorder/],
  ])('%j is a usage error', async (args, pattern) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, pattern);
  });

  it('--json output validates against the documented schema (schema/run-v1.schema.json)', async () => {
    const r = await runCli(['run', 'producer-retry', '--bootstrap', broker.bootstrap, '--variant', 'retries', '--messages', '200', '--faults', '1', '--json', '--timeline'], {
      timeoutMs: 60_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(validateRunReport(report), JSON.stringify(validateRunReport.errors)).toBe(true);
    expect(report.scenarios[0].variants[0].timeline.join('\n')).toMatch(/fault +Produce #\d+: response dropped/);
  });

  it('--markdown prints a table ready for slides, and --timeline the faults in order', async () => {
    const r = await runCli(['run', 'producer-retry', '--bootstrap', broker.bootstrap, '--variant', 'retries', '--messages', '200', '--faults', '1', '--markdown', '--timeline'], {
      timeoutMs: 60_000,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^### producer-retry: /m);
    expect(r.stdout).toMatch(/^\| variant \| sent \| acked \|/m);
    expect(r.stdout).toMatch(/^\| \*\*retries\*\* \| 200 \|/m);
    expect(r.stdout).toMatch(/fault +Produce #\d+: response dropped/);
  });

  it('--strict exits 3 when a variant breaks its promise', async () => {
    const r = await runCli(['run', 'producer-retry', '--bootstrap', broker.bootstrap, '--variant', 'idempotent', '--messages', '300', '--faults', '1', '--strict'], {
      timeoutMs: 60_000,
    });
    expect(r.stdout).toMatch(/BROKEN/);
    expect(r.code).toBe(3);
  });

  it('run all runs every scenario on one broker and ends with the summary; check prints the same from the saved file', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'dup-lab-test-')), 'all.json');
    const html = join(dirname(out), 'all.html');
    const r = await runCli(['run', 'all', '--bootstrap', broker.bootstrap, '--messages', '100', '--faults', '1', '--out', out, '--html', html], { timeoutMs: 300_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Summary/);
    for (const name of scenarios.map((sc) => sc.name)) {
      expect(r.stdout, name).toMatch(new RegExp(`│ ${name} +│`));
    }
    expect(r.stdout).not.toMatch(/│ error /);
    // One page for the whole run, small enough to mail.
    expect(statSync(html).size).toBeLessThan(1_000_000);
    // No broker needed: the histories alone give the same tables, character for character.
    const check = await runCli(['check', out]);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stderr).toBe('');
    expect(check.stdout).toBe(r.stdout);
    rmSync(dirname(out), { recursive: true, force: true });
  }, 330_000);
});

describe('check', () => {
  it('a copy of one record added to a saved history is one more duplicate, and stderr says what changed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dup-lab-test-'));
    const out = join(dir, 'run.json');
    const r = await runCli(['run', 'producer-retry', '--bootstrap', broker.bootstrap, '--variant', 'no-retries', '--messages', '200', '--faults', '1', '--out', out], {
      timeoutMs: 60_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    const variant = report.scenarios[0].variants[0];
    const { duplicates, observed } = variant.counts;
    variant.history.push({ ...variant.history.find((o: { type: string }) => o.type === 'observe') });
    writeFileSync(out, JSON.stringify(report));
    const check = await runCli(['check', out, '--json']);
    expect(check.code, check.stderr).toBe(0);
    const again = JSON.parse(check.stdout).scenarios[0].variants[0];
    expect(again.counts).toEqual({ ...variant.counts, duplicates: duplicates + 1, observed: observed + 1 });
    expect(again.promise).toBe('broken');
    expect(check.stderr.trim()).toBe(
      `kafka-dup-lab: producer-retry no-retries: the history gives observed ${observed} -> ${observed + 1}, duplicates ${duplicates} -> ${duplicates + 1}, promise kept -> broken (the file said otherwise)`,
    );
    rmSync(dir, { recursive: true, force: true });
  }, 90_000);

  it.each([
    [['check', '/no/such/file.json'], /^kafka-dup-lab: cannot read \/no\/such\/file\.json as a results file .*--out/],
    [['check', 'package.json'], /^kafka-dup-lab: package\.json is not a kafka-dup-lab results file/],
  ])('%j: one line, exit 2', async (args, pattern) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, pattern);
  });
});
