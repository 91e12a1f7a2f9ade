// Progress lines on stderr for anything slower than a second; silent when stderr is not a terminal.

export interface Progress {
  /** A step that is starting; on a terminal it is overwritten by the next update. */
  step(text: string): void;
  /** A line that stays (always printed, terminal or not). */
  info(text: string): void;
  /** Ends the current step line. */
  done(): void;
}

/**
 * `live`: show the overwritten step lines (default: when stderr is a terminal). `quiet`: show nothing,
 * not even the lines that stay.
 */
export function createProgress(options: { quiet?: boolean; live?: boolean; stream?: NodeJS.WriteStream } = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const live = !options.quiet && stream.isTTY === true && options.live !== false;
  let open = false;
  const clear = () => {
    if (open) stream.write('\r\x1b[2K');
    open = false;
  };
  return {
    step(text) {
      if (!live) return;
      clear();
      stream.write(`… ${text}`);
      open = true;
    },
    info(text) {
      if (options.quiet) return;
      clear();
      stream.write(`${text}\n`);
    },
    done() {
      clear();
    },
  };
}

export const silentProgress: Progress = { step() {}, info() {}, done() {} };
