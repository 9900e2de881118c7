/**
 * Shows the progress line on a terminal: redrawn in place every PROGRESS_EVERY_MS, cut to the
 * terminal's width, and cleared before anything else is printed and when the run ends. Nothing is
 * drawn on a stream that is no terminal.
 */
import type { ApiState } from '../api/schema.js';
import { progressLine } from './progress-line.js';

export const PROGRESS_EVERY_MS = 500;

/** Back to the line's start, and the line erased. */
const CLEAR = '\r\u001b[2K';

export interface Progress {
  /** Writes `text` (whole lines) above the progress line, which the next tick draws again. */
  say(text: string): void;
  /** Erases the line and draws no more. */
  stop(): void;
}

export function startProgress(o: { stream: NodeJS.WriteStream; state: () => ApiState; expected: number; durationMs: number }): Progress {
  let last: { at: number; delivered: number } | undefined;
  let shown = false;
  const draw = (): void => {
    const state = o.state();
    const now = performance.now();
    const perSecond = last && now > last.at ? ((state.totals.delivered - last.delivered) * 1000) / (now - last.at) : undefined;
    if (state.phase === 'running') last = { at: now, delivered: state.totals.delivered };
    const line = progressLine({ state, expected: o.expected, durationMs: o.durationMs, perSecond });
    // Cut to the terminal's width (a wrapped line could not be redrawn in place); a terminal of unknown width gets it whole.
    const width = o.stream.columns;
    o.stream.write(`${CLEAR}${width > 1 ? line.slice(0, width - 1) : line}`);
    shown = true;
  };
  const timer = setInterval(draw, PROGRESS_EVERY_MS);
  // The line never keeps the process alive.
  timer.unref();
  return {
    say: (text) => {
      o.stream.write(shown ? `${CLEAR}${text}` : text);
      shown = false;
    },
    stop: () => {
      clearInterval(timer);
      if (shown) o.stream.write(CLEAR);
      shown = false;
    },
  };
}
