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

/** Runs every registered cleanup, newest first, each bounded by `timeoutMs`; never throws. */
export async function runCleanups(timeoutMs = 10_000): Promise<string[]> {
  const failures: string[] = [];
  const entries = [...pending.entries()].reverse();
  pending.clear();
  for (const [, { label, run }] of entries) {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(run),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), timeoutMs))),
      ]);
    } catch (error) {
      failures.push(`${label}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }
  return failures;
}

