// Runs async work over a list with a bounded number running at once.

/** Runs `work` over `items` with at most `limit` running at once, starting them in order. */
export async function inWindows<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
