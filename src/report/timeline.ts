// Renders a variant's history as a timeline: faults, retries, failed sends, worker events, commits, read-backs. Pure.
import type { Op, VariantResult } from '../core/types.js';
import { plural } from './plural.js';

/** Past this many lines a variant's timeline says how many it left out. */
const MAX_LINES = 60;

/** Retries of sends that failed together (one reset fails every send in flight) within this many ms: one line. */
const RETRY_GROUP_MS = 50;

export function timelineLines(result: VariantResult): string[] {
  return historyLines(result.history);
}

/** The timeline of any history (the load check prints one for a run that differs). */
export function historyLines(history: readonly Op[]): string[] {
  const lines: string[] = [];
  const summarized = new Set<string>();
  const ops = groupRetries(history);
  for (const op of ops) {
    const line = describe(op, history, summarized);
    if (line) lines.push(`${String(op.at).padStart(7)} ms  ${line}`);
  }
  if (lines.length <= MAX_LINES) return lines;
  return [...lines.slice(0, MAX_LINES - 1), `        … ${lines.length - MAX_LINES + 1} more (the full history is in --out)`];
}

function describe(op: Op, all: readonly Op[], summarized: Set<string>): string | undefined {
  switch (op.type) {
    case 'fault':
      return `fault   ${op.detail}`;
    case 'retry': {
      const sends = (op as RetryGroup).sends ?? 1;
      return `retry   kafkajs retries ${sends === 1 ? 'a send' : `${sends} sends`} (retry ${op.attempt}) in ${op.delayMs} ms after: ${op.error}`;
    }
    case 'send':
      return op.outcome === 'ok' ? undefined : `send    ${op.id} ${op.outcome}${op.error ? `: ${op.error}` : ''}`;
    case 'worker':
      return `${op.worker.padEnd(7)} ${op.event}${op.detail ? `: ${op.detail}` : ''}`;
    case 'snapshot':
      return `${op.worker.padEnd(7)} ${snapshotLine(op)}`;
    case 'measure':
      return `measure ${op.value} msg/s without faults (best round)`;
    case 'commit':
      return op.ok ? `${op.worker.padEnd(7)} commit ${op.offsets}` : `${op.worker.padEnd(7)} commit REJECTED${op.error ? `: ${op.error}` : ''}`;
    case 'observe': {
      const key = `observe:${op.where}`;
      if (summarized.has(key)) return undefined;
      summarized.add(key);
      const seen = all.filter((o): o is Extract<Op, { type: 'observe' }> => o.type === 'observe' && o.where === op.where);
      const copies = seen.length - new Set(seen.map((o) => o.id)).size;
      return `read    ${plural(seen.length, 'record')} from ${op.where}${copies ? `, ${copies} extra` : ''}`;
    }
    case 'effect': {
      if (summarized.has('effect')) return undefined;
      summarized.add('effect');
      const effects = all.filter((o): o is Extract<Op, { type: 'effect' }> => o.type === 'effect');
      const rows = effects.reduce((n, o) => n + o.copies, 0);
      const messages = new Set(effects.filter((o) => o.copies > 0).map((o) => o.id)).size;
      return `db      ${plural(rows, 'row')} for ${plural(messages, 'message')}${rows > messages ? `, ${rows - messages} extra` : ''}`;
    }
    case 'balance':
      return `db      balance: expected ${op.expected}, actual ${op.actual}`;
    case 'group-offset':
      return `group   p${op.partition} committed at ${op.committed} of ${op.end}`;
    default:
      return undefined;
  }
}

function snapshotLine(op: Extract<Op, { type: 'snapshot' }>): string {
  const counted = `${op.applied} applied; ${op.appliedNotCommitted} of them after the last commit; ${op.committedNotApplied} committed but not applied`;
  if (op.moment === 'rebalance') return `revoked: rebalance signalled with ${op.appliedNotCommitted} applied messages uncommitted: gives up its partitions and rejoins`;
  return `${op.moment}-point: ${counted}`;
}

export function renderTimeline(results: VariantResult[]): string {
  return results
    .filter((r) => !r.skipped)
    .map((r) => [`${r.scenario} / ${r.variant}`, ...timelineLines(r)].join('\n'))
    .join('\n\n');
}

type RetryGroup = Extract<Op, { type: 'retry' }> & { sends?: number };

/** Consecutive retries with the same attempt, delay and error, close together, as one entry with a count. */
function groupRetries(history: readonly Op[]): Op[] {
  const out: Op[] = [];
  for (const op of history) {
    const last = out.at(-1) as RetryGroup | undefined;
    if (
      op.type === 'retry' &&
      last?.type === 'retry' &&
      last.attempt === op.attempt &&
      last.delayMs === op.delayMs &&
      last.error === op.error &&
      op.at - last.at <= RETRY_GROUP_MS
    ) {
      const grouped: RetryGroup = { ...last, sends: (last.sends ?? 1) + 1 };
      out[out.length - 1] = grouped;
      continue;
    }
    out.push(op);
  }
  return out;
}
