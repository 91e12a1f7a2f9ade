// "1 duplicate effect", "7 duplicate effects": counts in notes read as English.

/** `n` and `phrase`, with an "s" on the phrase unless n is 1. */
export function plural(n: number, phrase: string): string {
  return `${n} ${phrase}${n === 1 ? '' : 's'}`;
}
