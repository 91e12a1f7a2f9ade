// The IPC link every lab child process shares: report to the lab, die with it, report a failed main.
import { describeError } from '../kafka/errors.js';
import type { FromWorker } from '../workload/worker-protocol.js';

/** Sends one report to the lab (a no-op when run by hand, without an IPC channel). */
export function reportToLab(message: FromWorker): void {
  process.send?.(message);
}

/** The lab holds the IPC channel; if the lab dies, so does this process, so no child outlives it. */
export function exitWithLab(): void {
  process.on('disconnect', () => process.exit(1));
}

/** Starts `main`; a failure is reported to the lab and ends the process with code 1. */
export function runReportingFailure(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    reportToLab({ type: 'failed', error: describeError(error) });
    process.exit(1);
  });
}
