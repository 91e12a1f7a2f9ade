// The checker at scale: checkLog over a generated history of 1,000,000 records (sends and their reads); prints records/s and bytes/record.
//
// Usage: node --expose-gc --max-semi-space-size=1024 dist/test/bench/checker.js [records]
// With a young generation that large no collection runs during one check, so the heap's growth over a
// check is everything the check allocated: an upper bound on its peak memory.
import { checkLog } from '../../src/check/log-checker.js';
import type { Op } from '../../src/core/types.js';

const KEYS = 64;

/** Half sends, half reads: every message read once; 1 in 100 read twice; 1 in 100 overtaken by the next message of its key. */
export function generateHistory(records: number): Op[] {
  const messages = Math.floor(records / 2);
  const ops: Op[] = [];
  const message = (g: number) => ({ id: `run-${g}`, key: `k${g % KEYS}`, seq: Math.floor(g / KEYS), globalSeq: g });
  for (let g = 0; g < messages; g++) ops.push({ type: 'send', at: g, outcome: 'ok', ...message(g) });
  const order = Array.from({ length: messages }, (_, g) => g);
  for (let g = 7; g + KEYS < messages; g += 100) [order[g], order[g + KEYS]] = [order[g + KEYS]!, order[g]!];
  let offset = 0;
  for (const g of order) {
    if (ops.length >= records) break;
    const copies = g % 100 === 3 ? 2 : 1;
    for (let c = 0; c < copies && ops.length < records; c++) {
      ops.push({ type: 'observe', at: messages + offset, where: 'log', partition: 0, offset: String(offset++), ...message(g) });
    }
  }
  return ops;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function main(): void {
  const records = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 1_000_000);
  if (!(globalThis as { gc?: unknown }).gc) console.error('(run with --expose-gc for the memory figures)');
  gc();
  const before = process.memoryUsage().heapUsed;
  const history = generateHistory(records);
  gc();
  const historyBytes = process.memoryUsage().heapUsed - before;
  checkLog(generateHistory(50_000)); // warm-up: the JIT
  const times: number[] = [];
  const allocated: number[] = [];
  let counts: ReturnType<typeof checkLog> | undefined;
  for (let round = 0; round < 3; round++) {
    gc();
    const heap = process.memoryUsage().heapUsed;
    const started = performance.now();
    counts = checkLog(history);
    times.push(performance.now() - started);
    allocated.push(process.memoryUsage().heapUsed - heap);
  }
  const best = Math.min(...times);
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ recordsPerSecond: records / (best / 1000), bytesPerRecord: Math.round(Math.max(...allocated) / records) }));
    return;
  }
  console.log(`checker: ${records.toLocaleString('en')} records (${counts!.sent} sends, ${counts!.observed} reads; ${counts!.duplicates} duplicates, ${counts!.outOfOrder} out of order)`);
  console.log(`checker: ${Math.round(records / (best / 1000)).toLocaleString('en')} records/s (best of 3: ${best.toFixed(0)} ms)`);
  console.log(`checker: ${Math.round(Math.max(...allocated) / records)} bytes/record allocated by the check (the history itself: ${Math.round(historyBytes / records)} bytes/record)`);
}

main();
