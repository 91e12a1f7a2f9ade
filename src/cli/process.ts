// The only place in the lab process that touches the process (exit codes, signals, the one-line error a user sees); the child processes have src/processes.
import { runCleanups } from '../core/cleanup.js';
import { EnvironmentError, UsageError } from '../core/errors.js';

export const EXIT = {
  ok: 0,
  environment: 1,
  usage: 2,
  /** --strict: a variant broke its promise. */
  promiseBroken: 3,
  interrupted: 130,
} as const;

let interrupted = false;
let interruptExitCode: number = EXIT.interrupted;
/** The cleanups a signal started; once they are done the process exits with `interruptExitCode`. */
let interruptCleanups: Promise<unknown> | undefined;

/** For commands whose normal end is Ctrl-C (the foreground broker): exit with this code instead of 130. */
export function setInterruptExitCode(code: number): void {
  interruptExitCode = code;
}

/** On Ctrl-C or SIGTERM: undo everything the run started, then exit 130. A second Ctrl-C exits at once. */
export function installSignalHandlers(): void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) process.exit(interruptExitCode);
    interrupted = true;
    process.stderr.write(`\n${signal === 'SIGINT' ? 'Interrupted' : signal}: stopping what the lab started…\n`);
    interruptCleanups = runCleanups(8_000).then((failures) => {
      for (const failure of failures) process.stderr.write(`could not stop ${failure}\n`);
    });
    void interruptCleanups.then(() => process.exit(interruptExitCode));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
}

/** True once Ctrl-C or SIGTERM arrived: what runs after it is not a result and its errors are not news. */
export function interruptedNow(): boolean {
  return interrupted;
}

/**
 * The code the process ends with. After a signal the command may finish on its own while the
 * signal's cleanups still run (its variants end early once cleanups start): it must neither exit
 * before them nor report 0 for an interrupted run.
 */
export async function finalExitCode(code: number): Promise<number> {
  if (!interruptCleanups) return code;
  await interruptCleanups;
  return interruptExitCode;
}

/** One line on stderr and the exit code that goes with the kind of error. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) {
    process.stderr.write(`kafka-dup-lab: ${error.message}\n`);
    return EXIT.usage;
  }
  if (error instanceof EnvironmentError) {
    process.stderr.write(`kafka-dup-lab: ${error.message}\n`);
    return EXIT.environment;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`kafka-dup-lab: unexpected error: ${message} (set KAFKA_DUP_LAB_DEBUG=1 for details)\n`);
  if (process.env.KAFKA_DUP_LAB_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return EXIT.environment;
}

/**
 * Commander's own usage errors ("error: unknown option '--x'", a suggestion on the next line) as the
 * lab's one line: the same prefix as every other error, the suggestion kept, a pointer to --help.
 */
export function commanderErrorLine(text: string): string {
  const [first = '', ...rest] = text.trim().split('\n');
  const message = first.replace(/^error: /, '');
  const hint = rest
    .map((line) => line.trim().replace(/^\((.*)\)$/, '$1'))
    .filter(Boolean)
    .map((line) => line.charAt(0).toLowerCase() + line.slice(1))
    .join(' ');
  return `kafka-dup-lab: ${message}${hint ? ` (${hint})` : ''}; see --help\n`;
}
