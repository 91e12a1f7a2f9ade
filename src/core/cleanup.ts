// A process-wide list of things to undo (JVMs, containers, sockets, temp dirs), run on exit and on Ctrl-C.

type Cleanup = () => Promise<void> | void;

const pending = new Map<number, { label: string; run: Cleanup }>();
let nextId = 0;

/** Registers `run` to be called by `runCleanups`; returns a function that unregisters it. */
export function onCleanup(label: string, run: Cleanup): () => void {
  const id = nextId++;
  pending.set(id, { label, run });
  return () => {
    pending.delete(id);
  };
}

/**
 * Registers a slow, independent cleanup that overlaps with the others: when its turn comes it starts
 * `work` and returns at once, registering the wait for it as a cleanup of its own, which runCleanups
 * awaits in its next round. Several such removals (one per variant, each waiting out a group's
 * sessions) then take as long as the slowest, not as long as all of them together.
 */
export function onCleanupInBackground(label: string, work: () => Promise<void>): () => void {
  return onCleanup(label, () => {
    const running = work();
    onCleanup(`${label} (finishing)`, () => running);
  });
}

/**
 * Runs every registered cleanup, newest first, each bounded by `timeoutMs`; never throws. Work still in
 * flight when it starts (a variant creating topics, a worker being forked) may register more while it
 * runs: those are run too, in later rounds, so nothing started during a Ctrl-C is left behind.
 */
export async function runCleanups(timeoutMs = 10_000): Promise<string[]> {
  closing = true;
  const failures: string[] = [];
  for (let round = 0; round < MAX_ROUNDS && pending.size > 0; round++) {
    const entries = [...pending.entries()].reverse();
    pending.clear();
    for (const [, { label, run }] of entries) {
      const started = performance.now();
      const failure = await runBounded(run, timeoutMs);
      if (process.env.KAFKA_DUP_LAB_DEBUG) process.stderr.write(`cleanup ${label}: ${Math.round(performance.now() - started)} ms\n`);
      if (failure) failures.push(`${label}: ${failure}`);
    }
  }
  closing = false;
  return failures;
}

/** True while cleanups run (on Ctrl-C, or as a command ends): nothing new should be started then. */
export function cleanupsRunning(): boolean {
  return closing;
}

/** Late registrations are bounded too: a cleanup that keeps registering cleanups cannot loop forever. */
const MAX_ROUNDS = 5;
let closing = false;

async function runBounded(run: Cleanup, timeoutMs: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(run),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), timeoutMs))),
    ]);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}
