// commit-timeout on a real broker with a real worker, read again with sqlite3; and a late commit the Apache Java consumer saw fail while the broker applied it.
import { beforeAll, describe, expect, it } from 'vitest';
import { commitTimeout } from '../../scenarios/commit-timeout.js';
import type { ScenarioResult } from '../../src/core/runner.js';
import type { Op, VariantResult } from '../../src/core/types.js';
import { createTopics } from '../../src/kafka/client.js';
import { useTestBroker } from './support/broker.js';
import { startProxyCommand, stopProxyCommand } from './support/proxy-command.js';
import { keptSqliteFile, sqliteEffects } from './support/databases.js';
import { javaCommit } from './support/java-client.js';
import { rowOf, runOn } from './support/results.js';

const lab = useTestBroker();

/** The worker's own record: commits it saw fail, and the messages it left unapplied because of them. */
function failedCommits(r: VariantResult): { failed: number; notApplied: number } {
  const failed = r.history.filter((o: Op) => o.type === 'commit' && !o.ok);
  return { failed: failed.length, notApplied: failed.reduce((sum, o) => sum + (o.type === 'commit' ? (o.notApplied ?? 0) : 0), 0) };
}

const heldByProxy = (r: VariantResult) => r.history.filter((o) => o.type === 'fault' && o.action === 'delay').length;

describe('commit-timeout against a real broker (seed 42, 200 orders, 3 faults: the README\'s run)', () => {
  let result: ScenarioResult;
  beforeAll(async () => {
    result = await runOn(lab.broker, commitTimeout, { messages: 200, faults: 3, resources: { keepDataDir: lab.dataDir } });
  }, 120_000);

  it.each([
    // variant, commits the handler saw fail, never applied (README)
    ['commit-first', 3, 60],
    ['commit-first-retried', 0, 0],
    ['apply-then-commit', 3, 0],
  ])('%s: the proxy held 3 commits, the handler saw %i fail, %i never applied; sqlite3 reads the same', (name, failed, neverApplied) => {
    const r = rowOf(result, name);
    expect(heldByProxy(r)).toBe(3);
    expect(failedCommits(r).failed).toBe(failed);
    expect(r.counts).toMatchObject({ messages: 200, duplicateEffects: 0, neverApplied });
    // The prediction is the worker's own count of what it left for later, never the read-back.
    expect(r.predicted.neverApplied).toBe(failedCommits(r).notApplied);
    const e = sqliteEffects(keptSqliteFile(lab.dataDir, 'commit-timeout', name));
    expect(e).toEqual({ rows: 200 - neverApplied, messages: 200 - neverApplied, balance: r.counts.balanceActual });
  });

  it('commit-first: every message left for later after a failed commit is one the database never got', () => {
    const r = rowOf(result, 'commit-first');
    expect(failedCommits(r).notApplied).toBe(60);
    expect(r.counts.balanceExpected! - r.counts.balanceActual!).toBeGreaterThan(0);
  });
});

describe('proxy command --api offsetcommit --delay-ms with the Apache Java consumer', () => {
  it('commitSync times out after 1 s, and the broker has the offset anyway once the held request arrives', async () => {
    await createTopics(lab.broker.bootstrap, [{ name: 'proxy-java-late-commit', partitions: 1 }]);
    const proxy = await startProxyCommand(lab.broker.bootstrap, ['--api', 'offsetcommit', '--delay-ms', '3000']);
    try {
      const { commit, committed } = await javaCommit(proxy.bootstrap, lab.broker.bootstrap, 'proxy-java-late-commit', 'late-commit-java', 42, 1_000);
      expect(commit).toBe('TimeoutException');
      expect(committed).toBe('42');
      expect(proxy.output()).toMatch(/delay +OffsetCommit #1: held for 3000 ms/);
    } finally {
      expect(await stopProxyCommand(proxy)).toBe(0);
    }
  }, 90_000);
});
