// One variant's history as an SVG diagram: lanes for the producer or workers, the chaos proxy and the read-back, along time. Pure.
import { FAULTS } from '../chaos/faults/index.js';
import type { FaultAction } from '../chaos/rules.js';
import type { Op, VariantResult } from '../core/types.js';
import { plural } from './plural.js';

/** A mark on a lane: a shape at a moment, a short label, and whether it made the difference. */
interface Mark {
  lane: string;
  at: number;
  /** Until when (a summarised stretch of sends); a point when absent. */
  until?: number;
  shape: 'bar' | 'fault' | 'retry' | 'start' | 'kill' | 'pause' | 'resume' | 'flag' | 'commit' | 'refused' | 'read' | 'exit';
  label: string;
  /** Faults, crash points, refusals, copies in the log: drawn heavier, with the accent colour. */
  key?: boolean;
}

const WIDTH = 960;
const LEFT = 150;
const RIGHT = 20;
const LANE_HEIGHT = 88;
/** Label baselines relative to the lane's track: two rows above it, two below. */
const LABEL_ROWS = [-14, 26, -30, 42];
/** Roughly the width of one character at the diagram's 13px type, in its own units (bold is wider). */
const CHAR_WIDTH = 7.9;
const BOLD_CHAR_WIDTH = 8.6;
const TOP = 28;

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The lanes a history has, in the order a reader follows them: clients, the proxy, then what was read back. */
function lanesOf(marks: Mark[]): string[] {
  const order = (lane: string) => (lane === 'producer' ? 0 : lane === 'proxy' ? 2 : lane === 'read-back' ? 3 : 1);
  return [...new Set(marks.map((m) => m.lane))].sort((a, b) => order(a) - order(b) || a.localeCompare(b));
}

const LANE_TITLES: Record<string, string> = {
  producer: 'producer (kafkajs)',
  proxy: 'chaos proxy',
  'read-back': 'read back',
};

/**
 * Turns a history into marks. Uneventful stretches of sends become one bar ("412 sends acked");
 * everything that can make a difference is a mark of its own.
 */
export function marksOf(result: VariantResult): Mark[] {
  const marks: Mark[] = [];
  // The sends acknowledged since the last event worth a mark of its own.
  const stretch = { from: 0, to: 0, count: 0 };
  const closeStretch = () => {
    if (stretch.count) marks.push({ lane: 'producer', at: stretch.from, until: stretch.to, shape: 'bar', label: `${plural(stretch.count, 'send')} acked` });
    stretch.count = 0;
  };
  for (const op of result.history) {
    if (op.type === 'send' && op.outcome === 'ok') {
      if (stretch.count === 0) stretch.from = op.at;
      stretch.to = op.at;
      stretch.count++;
      continue;
    }
    const mark = markOf(op);
    if (!mark) continue;
    if (mark.lane === 'producer' || mark.lane === 'proxy') closeStretch();
    marks.push(mark);
  }
  closeStretch();
  marks.push(...readBackMarks(result));
  return mergeNeighbours(marks);
}

function markOf(op: Op): Mark | undefined {
  switch (op.type) {
    case 'send':
      return { lane: 'producer', at: op.at, shape: 'refused', label: `send ${op.outcome}`, key: true };
    case 'fault':
      return { lane: 'proxy', at: op.at, shape: 'fault', label: faultLabel(op), key: true };
    case 'retry':
      return { lane: 'producer', at: op.at, shape: 'retry', label: `retry ${op.attempt} after ${op.delayMs} ms` };
    case 'worker':
      return workerMark(op);
    case 'snapshot':
      // A graceful stop's count is context, not a turning point: no key flag.
      if (op.moment === 'end') return { lane: op.worker, at: op.at, shape: 'flag', label: `stops: ${op.applied} applied${op.reapplied ? `, ${op.reapplied} of them again` : ''}` };
      return {
        lane: op.worker,
        at: op.at,
        shape: 'flag',
        label: op.moment === 'rebalance' ? `rebalance: ${op.appliedNotCommitted} uncommitted` : `${op.moment} point: ${op.appliedNotCommitted} applied, not committed`,
        key: true,
      };
    case 'commit':
      return op.ok ? { lane: op.worker, at: op.at, shape: 'commit', label: 'commit' } : { lane: op.worker, at: op.at, shape: 'refused', label: `commit refused${op.code ? ` (${op.code})` : ''}`, key: true };
    default:
      return undefined;
  }
}

function faultLabel(op: Extract<Op, { type: 'fault' }>): string {
  return Object.hasOwn(FAULTS, op.action) ? FAULTS[op.action as FaultAction].mark(op.affected ?? 1) : op.action;
}

function workerMark(op: Extract<Op, { type: 'worker' }>): Mark | undefined {
  const lane = op.worker;
  switch (op.event) {
    case 'start':
      return { lane, at: op.at, shape: 'start', label: 'start' };
    case 'killed':
      return { lane, at: op.at, shape: 'kill', label: 'SIGKILL', key: true };
    case 'stopped':
      return { lane, at: op.at, shape: 'pause', label: 'SIGSTOP', key: true };
    case 'resumed':
      return { lane, at: op.at, shape: 'resume', label: 'SIGCONT' };
    case 'released':
      return { lane, at: op.at, shape: 'resume', label: op.by === 'rejoin' ? 'hold ends: rejoined' : 'hold ends: lab says go' };
    case 'assigned':
      return { lane, at: op.at, shape: 'start', label: (op.detail ?? 'assigned').replace(/^partitions /, 'gets ') };
    case 'fenced':
      return { lane, at: op.at, shape: 'refused', label: `fenced${op.code ? ` (${op.code})` : ''}`, key: true };
    case 'exit':
      return { lane, at: op.at, shape: 'exit', label: 'exit' };
    default:
      return undefined;
  }
}

/** What the read-back found, at its end: records and copies per topic, rows and the balance. */
function readBackMarks(result: VariantResult): Mark[] {
  const marks: Mark[] = [];
  const observed = result.history.filter((o): o is Extract<Op, { type: 'observe' }> => o.type === 'observe');
  for (const where of new Set(observed.map((o) => o.where))) {
    const reads = observed.filter((o) => o.where === where);
    const copies = reads.length - new Set(reads.map((o) => o.id)).size;
    marks.push({ lane: 'read-back', at: reads[0]!.at, shape: 'read', label: `${where}: ${plural(reads.length, 'record')}${copies ? `, ${copies} extra` : ''}`, key: copies > 0 });
  }
  const effects = result.history.filter((o): o is Extract<Op, { type: 'effect' }> => o.type === 'effect');
  if (effects.length) {
    const rows = effects.reduce((n, o) => n + o.copies, 0);
    const extra = rows - effects.filter((o) => o.copies > 0).length;
    marks.push({ lane: 'read-back', at: effects[0]!.at, shape: 'read', label: `database: ${plural(rows, 'row')}${extra ? `, ${extra} extra` : ''}`, key: extra > 0 });
  }
  return marks;
}

/**
 * Marks of one kind on one lane that follow each other become one: the retries of one reset (within
 * a few ms), a worker's run of commits with nothing else on its lane between them.
 */
function mergeNeighbours(marks: Mark[]): Mark[] {
  const merged: (Mark & { n?: number })[] = [];
  const lastOnLane = new Map<string, Mark & { n?: number }>();
  for (const mark of marks) {
    const last = lastOnLane.get(mark.lane);
    if (last && last.shape === mark.shape && mark.shape === 'retry' && mark.at - last.at < 50) {
      last.n = (last.n ?? 1) + 1;
      last.label = `${last.n} retries after ${mark.label.split(' after ')[1]}`;
      continue;
    }
    if (last && last.shape === 'commit' && mark.shape === 'commit') {
      last.n = (last.n ?? 1) + 1;
      last.until = mark.at;
      last.label = `${last.n} commits`;
      continue;
    }
    const copy = { ...mark };
    merged.push(copy);
    lastOnLane.set(mark.lane, copy);
  }
  return merged;
}

/** The diagram: a time axis, a lane per actor, the marks with labels (alternating above and below so neighbours do not collide). */
export function renderDiagram(result: VariantResult, title: string): string {
  const marks = marksOf(result);
  if (marks.length === 0) return '';
  const lanes = lanesOf(marks);
  const scale = timeScale(marks, LEFT, WIDTH - RIGHT);
  const x = scale.x;
  const y = (lane: string) => TOP + lanes.indexOf(lane) * LANE_HEIGHT + LANE_HEIGHT / 2;
  const height = TOP + lanes.length * LANE_HEIGHT + 24;
  const parts: string[] = [];
  lanes.forEach((lane, i) => {
    const ly = TOP + i * LANE_HEIGHT;
    parts.push(`<rect class="lane${i % 2 ? ' odd' : ''}" x="0" y="${ly}" width="${WIDTH}" height="${LANE_HEIGHT}"/>`);
    parts.push(`<text class="lane-title" x="8" y="${ly + LANE_HEIGHT / 2 + 5}">${escapeXml(LANE_TITLES[lane] ?? lane)}</text>`);
    parts.push(`<line class="track" x1="${LEFT}" y1="${ly + LANE_HEIGHT / 2}" x2="${WIDTH - RIGHT}" y2="${ly + LANE_HEIGHT / 2}"/>`);
  });
  // A quiet stretch drawn short: its real length on a break mark across the lanes.
  for (const gap of scale.breaks) {
    parts.push(`<line class="gap" x1="${gap.x}" y1="${TOP}" x2="${gap.x}" y2="${TOP + lanes.length * LANE_HEIGHT}"/>`);
    parts.push(`<text class="axis" x="${gap.x}" y="${height - 6}" text-anchor="middle">+${(gap.ms / 1000).toFixed(1)} s</text>`);
  }
  for (const mark of marks) parts.push(shape(mark, x(mark.at), y(mark.lane), mark.until !== undefined ? x(mark.until) : x(mark.at)));
  // Labels: the marks that made the difference first, then the rest, each in the first row where it fits.
  const rowEnds = new Map<string, { from: number; to: number }[][]>();
  const byImportance = [...marks].sort((a, b) => Number(Boolean(b.key)) - Number(Boolean(a.key)));
  for (const mark of byImportance) {
    const cx = x(mark.at);
    const cy = y(mark.lane);
    const width = mark.label.length * (mark.key ? BOLD_CHAR_WIDTH : CHAR_WIDTH);
    const anchor = cx + width > WIDTH - RIGHT ? 'end' : 'start';
    const [from, to] = anchor === 'end' ? [cx - width, cx] : [cx, cx + width];
    const rows = rowEnds.get(mark.lane) ?? LABEL_ROWS.map(() => []);
    rowEnds.set(mark.lane, rows);
    const row = rows.findIndex((taken) => taken.every((t) => to + 6 <= t.from || from >= t.to + 6));
    // No room on any row: the mark keeps its label as a tooltip.
    if (row < 0) continue;
    rows[row]!.push({ from, to });
    parts.push(`<text class="label${mark.key ? ' key' : ''}" x="${cx}" y="${cy + LABEL_ROWS[row]!}" text-anchor="${anchor}">${escapeXml(mark.label)}</text>`);
  }
  parts.push(`<text class="axis" x="${LEFT}" y="${height - 6}">0 ms</text>`);
  parts.push(`<text class="axis" x="${WIDTH - RIGHT}" y="${height - 6}" text-anchor="end">${scale.end} ms</text>`);
  return `<svg class="diagram" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeXml(title)}">${parts.join('')}</svg>`;
}

/**
 * Where a moment goes on the x axis. Time runs linearly, except that a stretch with no mark that is
 * longer than a tenth of the run is drawn as a short gap with a break mark (a consumer scenario's
 * crash and restart would otherwise share a few pixels while nothing happens for seconds).
 */
export function timeScale(marks: { at: number; until?: number }[], left: number, right: number) {
  const times = [...new Set(marks.flatMap((m) => (m.until !== undefined ? [m.at, m.until] : [m.at])))].sort((a, b) => a - b);
  const end = Math.max(1, times.at(-1) ?? 1);
  const longGap = end / 10;
  const drawn = (gap: number) => (gap > longGap ? longGap / 3 : gap);
  // Cumulative drawn length at each known moment.
  const points: { at: number; pos: number }[] = [{ at: 0, pos: 0 }];
  const breaks: { atPos: number; ms: number }[] = [];
  let prev = 0;
  for (const t of times) {
    if (t <= prev) continue;
    const gap = t - prev;
    const last = points.at(-1)!;
    if (gap > longGap) breaks.push({ atPos: last.pos + drawn(gap) / 2, ms: gap });
    points.push({ at: t, pos: last.pos + drawn(gap) });
    prev = t;
  }
  const total = Math.max(1, points.at(-1)!.pos);
  const toX = (pos: number) => left + ((right - left) * pos) / total;
  const x = (at: number) => {
    const i = points.findIndex((p) => p.at >= at);
    if (i <= 0) return toX(0);
    const [a, b] = [points[i - 1]!, points[i]!];
    return toX(a.pos + ((b.pos - a.pos) * (at - a.at)) / Math.max(1, b.at - a.at));
  };
  return { x, end, breaks: breaks.map((b) => ({ x: toX(b.atPos), ms: b.ms })) };
}

/** Each shape differs by form, not only by colour, so it reads in grayscale and for colour-blind eyes. */
function shape(mark: Mark, cx: number, cy: number, x2: number): string {
  return `<g><title>${escapeXml(`${mark.at} ms: ${mark.label}`)}</title>${form(mark, cx, cy, x2)}</g>`;
}

function form(mark: Mark, cx: number, cy: number, x2: number): string {
  const cls = `mark ${mark.shape}${mark.key ? ' key' : ''}`;
  switch (mark.shape) {
    case 'bar':
      return `<rect class="${cls}" x="${cx}" y="${cy - 5}" width="${Math.max(3, x2 - cx)}" height="10" rx="3"/>`;
    case 'fault':
      return `<path class="${cls}" d="M${cx} ${cy - 10} L${cx + 10} ${cy} L${cx} ${cy + 10} L${cx - 10} ${cy} Z"/>`;
    case 'retry':
      return `<circle class="${cls}" cx="${cx}" cy="${cy}" r="6"/><path class="mark retry-arrow" d="M${cx - 3} ${cy - 9} l4 -3 l0 6 z"/>`;
    case 'kill':
    case 'refused':
      return `<path class="${cls}" d="M${cx - 8} ${cy - 8} L${cx + 8} ${cy + 8} M${cx + 8} ${cy - 8} L${cx - 8} ${cy + 8}"/>`;
    case 'pause':
      return `<path class="${cls}" d="M${cx - 5} ${cy - 8} v16 M${cx + 5} ${cy - 8} v16"/>`;
    case 'resume':
      return `<path class="${cls}" d="M${cx - 6} ${cy - 8} L${cx + 8} ${cy} L${cx - 6} ${cy + 8} Z"/>`;
    case 'flag':
      return `<path class="${cls}" d="M${cx} ${cy + 10} V${cy - 12} L${cx + 12} ${cy - 7} L${cx} ${cy - 2}"/>`;
    case 'commit':
      return `<rect class="${cls}" x="${cx - 2}" y="${cy - 8}" width="${Math.max(4, x2 - cx + 4)}" height="16"/>`;
    case 'read':
      return `<rect class="${cls}" x="${cx - 7}" y="${cy - 9}" width="14" height="18" rx="2"/>`;
    case 'exit':
      return `<rect class="${cls}" x="${cx - 5}" y="${cy - 5}" width="10" height="10"/>`;
    default:
      return `<circle class="${cls}" cx="${cx}" cy="${cy}" r="6"/>`;
  }
}
