// Picks deterministic fault positions (ordinals) from the seed, spread out so faults do not overlap.
import type { SeededRandom } from '../core/rng.js';

/**
 * `count` ordinals in [first, last], ideally at least `minGap` apart, drawn from `rng`.
 * Spacing keeps one fault's retries clear of the next fault, so each can be counted on its own;
 * when the range is too small for that, the gap shrinks to what fits.
 */
export function pickOrdinals(rng: SeededRandom, count: number, first: number, last: number, minGap: number): number[] {
  if (count <= 0 || last < first) return [];
  const span = last - first + 1;
  const gap = Math.max(1, Math.min(minGap, Math.floor(span / count)));
  const slots = Math.floor(span / gap);
  const chosen = rng.distinctInts(Math.min(count, slots), 0, slots - 1);
  // A seeded offset inside the first half of each chosen slot keeps neighbours at least gap/2 apart.
  return chosen.map((slot) => first + slot * gap + rng.int(0, Math.max(0, Math.floor(gap / 2) - 1)));
}
