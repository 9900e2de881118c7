/**
 * Logging shared by both processes: pino JSON lines to `<run dir>/<name>.log`, optionally also
 * readable on stderr (`--pretty`). A node learns its id and run directory only after registering,
 * so lines logged before the file is known are held and written, stamped with the id, when it opens.
 */
import { appendFileSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import pino, { type Logger, type LevelWithSilent } from 'pino';
import type prettyFactory from 'pino-pretty';

// pino-pretty is loaded only for --pretty: most processes never print to a terminal, and it costs
// every one of them memory and start-up time.
const require = createRequire(import.meta.url);

/** Held lines beyond this are discarded (and counted) rather than growing without bound. */
const MAX_HELD_LINES = 10_000;

interface LineStream {
  write(line: string): void;
}

export class LogSink implements LineStream {
  private file: (LineStream & { flushSync(): void; end(): void; once(event: 'close' | 'error', fn: () => void): void }) | undefined;
  /** The file's path once open; after drain() the last lines are appended to it directly. */
  private path: string | undefined;
  /** Set by drain(): the file is being closed; lines logged meanwhile wait in `late`, then go straight to it. */
  private closing = false;
  private drained = false;
  private late: string[] = [];
  private held: string[] = [];
  private discarded = 0;
  private readonly pretty: LineStream | undefined;

  constructor(prettyOnStderr: boolean) {
    this.pretty = prettyOnStderr
      ? (require('pino-pretty') as typeof prettyFactory)({ destination: 2, sync: true, colorize: process.stderr.isTTY ?? false })
      : undefined;
  }

  write(line: string): void {
    this.pretty?.write(line);
    if (this.closing) {
      if (this.drained && this.path !== undefined) appendFileSync(this.path, line);
      else this.late.push(line);
    } else if (this.file) this.file.write(line);
    else if (this.held.length < MAX_HELD_LINES) this.held.push(line);
    else this.discarded++;
  }

  /** Starts writing to `path` (created with its directory), first the held lines merged with `stamp`. */
  open(path: string, stamp: Record<string, unknown> = {}): void {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(path, 'a');
    this.path = path;
    try {
      this.file = pino.destination({ dest: fd, sync: false });
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    for (const line of this.held) {
      this.file.write(`${JSON.stringify({ ...JSON.parse(line), ...stamp })}\n`);
    }
    if (this.discarded > 0) {
      this.file.write(`${JSON.stringify({ ...stamp, level: 'warn', discarded: this.discarded, msg: 'log_overflow' })}\n`);
    }
    this.held = [];
  }

  private writeUnopened(text: string): boolean {
    if (this.unopenedPath === undefined) return false;
    try {
      mkdirSync(dirname(this.unopenedPath), { recursive: true });
      appendFileSync(this.unopenedPath, text);
      return true;
    } catch {
      // The directory is gone or unwritable: stderr is the last place the lines can go.
      return false;
    }
  }

  get isOpen(): boolean {
    return this.file !== undefined;
  }

  /**
   * Where the held lines go if the process exits before `open`: a node started by the launcher
   * knows its run directory before its id, and its lines belong there, not as raw JSON on the
   * user's terminal (a Ctrl-C during start-up stops nodes that never registered).
   */
  unopenedPath: string | undefined;

  /**
   * Writes everything buffered to disk now; call before the process exits. A process that never
   * learned where its file goes (its registration failed) writes its held lines to `unopenedPath`,
   * or without one (a node run by hand) prints them on stderr.
   */
  flushSync(): void {
    if (!this.file && this.held.length > 0 && !this.pretty) {
      const text = this.held.join('');
      this.held = [];
      if (!this.writeUnopened(text)) process.stderr.write(text);
    }
    try {
      this.file?.flushSync();
    } catch {
      // A destination still opening has nothing of ours buffered yet.
    }
  }

  /**
   * Writes everything buffered and waits until the file has it, then closes it; call before a
   * normal exit (a line logged after goes straight to the file). It waits for the write the OS
   * already has in hand, then writes the rest after it: flushSync would write the rest at once,
   * before that write lands, and process.exit right after could cut it off, or it would land last
   * (a busy machine showed logs ending at `recv` after their `stop` and `exit`). A crash handler,
   * which cannot wait, uses flushSync.
   */
  async drain(): Promise<void> {
    const file = this.file;
    if (!file) return this.flushSync();
    if (this.closing) return;
    this.closing = true;
    await new Promise<void>((resolve) => {
      file.once('close', resolve);
      file.once('error', resolve);
      try {
        file.end();
      } catch {
        // Already destroyed: nothing of ours is left to wait for.
        resolve();
      }
    });
    this.drained = true;
    if (this.late.length > 0 && this.path !== undefined) appendFileSync(this.path, this.late.join(''));
    this.late = [];
  }
}

export interface CreateLoggerOptions {
  role: 'node' | 'coordinator';
  level: LevelWithSilent;
  pretty: boolean;
  /** Fields every line carries from the start. */
  base?: Record<string, unknown>;
  /** Called for every line; its fields are merged in (the node id, once known). */
  mixin?: () => Record<string, unknown>;
}

export function createLogger(options: CreateLoggerOptions): { log: Logger; sink: LogSink } {
  const sink = new LogSink(options.pretty);
  const log = pino(
    {
      level: options.level,
      base: { role: options.role, pid: process.pid, ...options.base },
      formatters: { level: (label) => ({ level: label }) },
      ...(options.mixin ? { mixin: options.mixin } : {}),
    },
    sink,
  );
  return { log, sink };
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type { Logger, LevelWithSilent };

/**
 * Every part of a process that writes log lines, by the `component` field its lines carry, so one
 * part's lines are one filter away: `jq 'select(.component=="faults")' runs/latest/coordinator.log`.
 */
export const LOG_COMPONENTS = {
  main: 'the entry point: flags, signals, the run directory, exit',
  lifecycle: "a node's states: register, init, ready, start, faults, stop",
  links: 'peer and client links: dialing, hellos, refused frames, drains',
  inbound: 'what arrives on a link and is refused',
  data: 'each data message a node sends, receives, forwards or drops (rate-limited)',
  records: 'the journal and events shipped to the coordinator',
  routing: 'routers and their tables',
  behavior: "the behaviour's own lines and the errors the node caught from it",
  byzantine: "a Byzantine node's tries at the ways in (impersonate, downgrade) and what met them",
  'coordinator-link': "a node's link to the coordinator",
  run: "the coordinator's phases: registering, running, settle, stop, report",
  'control-server': 'the coordinator side of the nodes links',
  cluster: 'registrations, inits, restarts, lost nodes',
  faults: 'every fault applied or skipped',
  api: 'the control API',
  workload: "the kv workload's clients",
  checker: 'checks made while the run goes on (routing)',
} as const;
export type LogComponent = keyof typeof LOG_COMPONENTS;

/** The logger of one component: every line it writes carries `component`. */
export function componentLog(log: Logger, component: LogComponent): Logger {
  return log.child({ component });
}
