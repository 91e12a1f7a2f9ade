// Where a run's wall time goes: named spans, written as JSON when the process ends if KAFKA_DUP_LAB_TIMINGS names a file (npm run bench reads it).
import { writeFileSync } from 'node:fs';

/** One timed stretch; times are ms since the process started (performance.timeOrigin), so node's own start shows too. */
export interface Span {
  name: string;
  startMs: number;
  ms: number;
}

export interface TimingsFile {
  spans: Span[];
  /** When the lab was done and about to exit. */
  endMs: number;
}

const spans: Span[] = [];

/** Runs `work` and records how long it took under `name`; spans of parallel work may overlap. */
export async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    spans.push({ name, startMs: round(start), ms: round(performance.now() - start) });
  }
}

/** Records a span that started at `start` (a performance.now() value) and ends now. */
export function recordSpan(name: string, start: number): void {
  spans.push({ name, startMs: round(start), ms: round(performance.now() - start) });
}

/** Writes the spans to $KAFKA_DUP_LAB_TIMINGS, if set; a no-op otherwise. */
export function writeTimings(): void {
  const file = process.env.KAFKA_DUP_LAB_TIMINGS;
  if (!file) return;
  const out: TimingsFile = { spans, endMs: round(performance.now()) };
  writeFileSync(file, `${JSON.stringify(out)}\n`);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
