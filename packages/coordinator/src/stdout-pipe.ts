/**
 * The coordinator's stdout (the report, or report.json with --json) and the stream of its lines for
 * people (stdout, or stderr with --json).
 * A reader that goes away (`| head -c 1`, a `| jq` that fails) closes the pipe, and Node then emits
 * EPIPE on the stream; without a listener that is an uncaught error, which used to end the run as a
 * "crash" (exit 255, a stack trace, nodes left to be killed). Nobody reading is no fault of the
 * run: it goes on, writes its files, exits with its own code, and drops what it would have printed.
 */
import type { Logger } from '@agentnet/protocol';

export interface RunOutput {
  /** Resolves once the text is handed to the OS, or at once when nobody reads any more. */
  write(text: string): Promise<void>;
}

export function runOutput(stream: NodeJS.WriteStream, name: 'stdout' | 'stderr', log: Logger): RunOutput {
  let closed = false;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    // Any other failure to write stdout stays what it was: a crash, reported as one.
    if (err.code !== 'EPIPE') throw err;
    if (closed) return;
    closed = true;
    log.info({ err, stream: name }, 'output_closed');
  });
  return {
    write: (text) =>
      closed
        ? Promise.resolve()
        : // The callback comes with or without an error; an EPIPE is handled by the listener above.
          new Promise<void>((resolve) => stream.write(text, () => resolve())),
  };
}
