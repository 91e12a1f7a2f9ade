// Unit tests for the client matrix: which runs make one, what each cell says, and the table around it.
import { describe, expect, it } from 'vitest';
import { MATRIX_LEGEND, clientMatrix, renderClientMatrix, renderMarkdownClientMatrix } from '../../../src/report/client-matrix.js';
import type { ScenarioResult } from '../../../src/core/runner.js';
import { mappedRun, mappedScenario, run, scenario } from './fixtures.js';

const withClient = (r: ScenarioResult, name: string, change: (v: ScenarioResult['results'][number]) => object = () => ({})): ScenarioResult => ({
  ...r,
  client: { name, library: `${name} 1.0` },
  results: r.results.map((v) => ({ ...v, client: name, ...change(v) })),
});

describe('clientMatrix', () => {
  it('is undefined for a run with one client or none: the summary says it all', () => {
    expect(clientMatrix([run], [scenario])).toBeUndefined();
    expect(clientMatrix([withClient(run, 'kafkajs'), withClient(mappedRun, 'kafkajs')], [scenario, mappedScenario])).toBeUndefined();
  });

  it('puts each client in its own column, a row per scenario and variant, in the order they ran', () => {
    const notSupported = { skipped: 'demo runs with kafkajs so far, not java', error: undefined, promise: 'none' };
    const matrix = clientMatrix([withClient(run, 'kafkajs'), withClient(run, 'java', () => notSupported)], [scenario])!;
    expect(matrix.clients).toEqual(['kafkajs', 'java']);
    expect(matrix.rows.map((r) => [r.variant, ...r.cells])).toEqual([
      ['baseline', '— 25 dup', 'not supported'],
      ['idempotent', 'kept', 'not supported'],
      ['concurrent', 'BROKEN: 3 dup, 1.3 lost', 'not supported'],
      // The fixture's redis row is skipped for a missing Redis, not for the client.
      ['redis', 'skipped', 'not supported'],
      ['crashy', 'error', 'not supported'],
    ]);
  });

  it('says unavailable where the client itself cannot run here', () => {
    const missing = 'the Java client needs a JDK 17+ (java on PATH, or JAVA_HOME)';
    const java = withClient(run, 'java', () => ({ skipped: missing, error: undefined }));
    expect(clientMatrix([withClient(run, 'kafkajs'), java], [scenario])!.rows.map((r) => r.cells[1])).toEqual(['unavailable', 'unavailable', 'unavailable', 'unavailable', 'unavailable']);
  });

  it('a kept row names what it did not promise to avoid, and a baseline with nothing to show says clean', () => {
    const [kafkajs, other] = [withClient(run, 'kafkajs'), withClient(run, 'confluent', (v) => (v.variant === 'idempotent' ? { counts: { duplicates: 0, lost: 0, outOfOrder: 2 } } : v.variant === 'baseline' ? { counts: { duplicates: 0, lost: 0 } } : {}))];
    const rows = clientMatrix([kafkajs, other], [scenario])!.rows;
    expect(rows.find((r) => r.variant === 'idempotent')!.cells).toEqual(['kept', 'kept · 2 ooo']);
    expect(rows.find((r) => r.variant === 'baseline')!.cells).toEqual(['— 25 dup', '— clean']);
  });

  it('uses a scenario\'s summaryCounts, as the summary does', () => {
    const matrix = clientMatrix([withClient(mappedRun, 'kafkajs'), withClient(mappedRun, 'java')], [mappedScenario])!;
    expect(matrix.rows[0]!.cells).toEqual(['— 3 dup, 1 lost', '— 3 dup, 1 lost']);
  });
});

describe('rendering', () => {
  const matrix = clientMatrix([withClient(run, 'kafkajs'), withClient(run, 'java')], [scenario])!;

  it('prints a plain table with a column per client and the legend', () => {
    const text = renderClientMatrix(matrix, 0);
    expect(text.split('\n')[0]).toBe('Which client keeps its promise');
    expect(text).toMatch(/│ scenario +│ variant +│ kafkajs +│ java +│/);
    expect(text).toMatch(/│ demo +│ concurrent +│ BROKEN: 3 dup, 1\.3 lost +│ BROKEN: 3 dup, 1\.3 lost +│/);
    expect(text).toContain(MATRIX_LEGEND);
    expect(text).not.toContain(String.fromCharCode(27));
  });

  it('prints Markdown for slides', () => {
    const md = renderMarkdownClientMatrix(matrix);
    expect(md).toContain('| scenario | variant | kafkajs | java |');
    expect(md).toContain('| demo | **idempotent** | kept | kept |');
  });
});
