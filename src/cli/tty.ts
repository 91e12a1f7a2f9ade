// How much color the terminal takes: none for pipes and NO_COLOR.

/** Colors only on a terminal, and never with NO_COLOR (https://no-color.org). */
export function colorLevel(): 0 | 1 | 2 | 3 {
  if (process.env.NO_COLOR || !process.stdout.isTTY) return 0;
  const depth = process.stdout.getColorDepth?.() ?? 1;
  return depth >= 24 ? 3 : depth >= 8 ? 2 : 1;
}
