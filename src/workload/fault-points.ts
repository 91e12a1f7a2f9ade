// Picks deterministic fault positions (ordinals) from the seed, spread out so faults do not overlap.
import type { SeededRandom } from '../core/rng.js';

/**
 * `count` ordinals in [first, last], at least `minGap` apart when the range has room for that,
 * drawn from `rng`. The range is cut into `count` equal steps; each fault lands in its own step at a
 * seeded offset that leaves `minGap` to the next one. Without room, faults are one step apart.
 */
export function pickOrdinals(rng: SeededRandom, count: number, first: number, last: number, minGap: number): number[] {
  if (count <= 0 || last < first) return [];
  const span = last - first + 1;
  const n = Math.min(count, span);
  const step = Math.floor(span / n);
  const slack = Math.max(0, step - minGap);
  return Array.from({ length: n }, (_, i) => first + i * step + rng.int(0, slack));
}
