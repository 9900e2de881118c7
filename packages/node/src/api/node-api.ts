/**
 * The node API a behaviour (an algorithm) is written against: handlers by message type whose
 * return value is the reply, send / reply / rpc / broadcast, timers, a seeded random generator and
 * a child logger. Everything goes through the node's data path, so every message a behaviour sends
 * meets the link shaper and lands in the journal; timers and pending calls end with the behaviour.
 * Shaped after Maelstrom's node libraries: bodies carry `type`, `msg_id`, `in_reply_to`, and errors
 * are `{type: "error", code, text}` with Maelstrom's codes.
 */
import { ErrorCode, RpcError, keyedRng, type BehaviorErrorKind, type Logger, type Rng } from '@agentnet/protocol';
import type { Behavior, Incoming, NodeHandle } from './behavior.js';
import { BehaviorErrorTally } from './behavior-errors.js';
import type { NodeStorage } from './node-storage.js';

/** A message body as behaviours write it. */
export type Body = { type: string; [key: string]: unknown };

/** A handler's return value (or what its promise resolves to) is sent back as the reply. */
export type Handler = (msg: Incoming) => Body | void | Promise<Body | void>;

export interface NodeApi {
  readonly id: string;
  /** Neighbours: the nodes this node has a link to. */
  readonly peers: readonly string[];
  /** Every node of the run, this one included. */
  readonly nodeIds: readonly string[];
  /** This process of the node: 0, then +1 each time it is restarted (a restarted process starts with no state). */
  readonly incarnation: number;
  /** The run's `--param key=value` settings, for the behaviour to read. */
  readonly params: Readonly<Record<string, string>>;
  /** The run's client workload (`--workload kv`: clients send read, write and cas), or null. */
  readonly workload: 'kv' | null;
  /** Whom `send` can reach: the peers, or with `--routing` every other node. */
  readonly destinations: readonly string[];
  /** Random numbers from the run seed, keyed by this node: the same seed, the same draws. */
  readonly rng: Rng;
  /**
   * Stable storage: what a process stores here its node's later processes find after a crash and
   * restart (a node's first process starts with it empty). Writes are on storage when they return.
   */
  readonly storage: NodeStorage;
  readonly log: Logger;
  /** Handles messages of `type`; registering a type twice throws. */
  on(type: string, handler: Handler): void;
  /** Sends `body` to `dest`; returns the body's msg_id. */
  send(dest: string, body: Body): number;
  reply(req: Incoming, body: Body): number;
  /** Sends a request and resolves with the reply's body; rejects with RpcError (timeout, or the error the peer replied). */
  rpc(dest: string, body: Body, options?: { timeoutMs?: number }): Promise<Incoming['body'] & Record<string, unknown>>;
  /** Sends `body` to every destination; returns the msg_ids. */
  broadcast(body: Body): number[];
  /**
   * Runs `fn` every `ms` until the behaviour stops; returns a function that cancels it. What `fn`
   * throws (or its promise rejects with) is logged (`timer_failed`), counted in the report's
   * `behavior_errors`, and the timer goes on.
   */
  every(ms: number, fn: () => unknown): () => void;
  /** Runs `fn` once after `ms`, unless the behaviour stopped; its errors are logged as every's. */
  after(ms: number, fn: () => unknown): () => void;
  /** Records an event for the run's checkers (e.g. `record('leader', { epoch: 3 })`), in `events.jsonl`. */
  record(kind: string, data?: Record<string, unknown>): void;
}

/** What a behaviour module exports: a factory that gets the node and may return start/stop hooks. */
export type BehaviorFactory = (node: NodeApi) => { start?: () => void; stop?: () => void } | void;

export const DEFAULT_RPC_TIMEOUT_MS = 1000;

export class DuplicateHandlerError extends Error {
  constructor(type: string) {
    super(`a handler for "${type}" is already registered`);
    this.name = 'DuplicateHandlerError';
  }
}

export class NoStorageError extends Error {
  constructor() {
    super('this node has no stable storage (it was not given a run directory)');
    this.name = 'NoStorageError';
  }
}

/**
 * An RpcError, also one made from a behaviour module's own copy of `@agentnet/protocol`: a module
 * loaded from a path imports the package again, so its RpcError is another class than the node's.
 */
function asRpcError(err: unknown): { code: number; text: string } | undefined {
  if (err instanceof RpcError) return err;
  const e = err as { name?: unknown; code?: unknown; text?: unknown } | null;
  return e?.name === 'RpcError' && typeof e.code === 'number' && typeof e.text === 'string' ? { code: e.code, text: e.text } : undefined;
}

export function createApiBehavior(
  handle: NodeHandle,
  nodeIds: readonly string[],
  log: Logger,
  factory: BehaviorFactory,
  record: (kind: string, data: Record<string, unknown>) => void = () => {},
  params: Readonly<Record<string, string>> = {},
): Behavior {
  const handlers = new Map<string, Handler>();
  /** Rpcs waiting for their reply, by msg_id, with the node asked: only its reply answers one. */
  const pending = new Map<number, { dest: string; resolve: (body: Incoming['body'] & Record<string, unknown>) => void; reject: (err: Error) => void; timer: NodeJS.Timeout }>();
  const timers = new Set<NodeJS.Timeout>();
  let running = false;
  const errors = new BehaviorErrorTally();
  // A send to a node that does not exist is counted here, where it happens, also when the
  // behaviour catches it; the timer or handler it then escapes from does not count it again.
  const sendAs = (kind: BehaviorErrorKind) => (dest: string, body: Body) => {
    try {
      return handle.send(dest, body).msgId;
    } catch (err) {
      errors.note(kind, err);
      throw err;
    }
  };
  const send = sendAs('send_failed');
  const sendReply = sendAs('reply_failed');
  const sendRequest = sendAs('rpc_failed');
  const reply = (req: Incoming, body: Body) => sendReply(req.src, { ...body, ...(req.body.msg_id === undefined ? {} : { in_reply_to: req.body.msg_id }) });
  // A behaviour's bug in a timer (a send to a node it cannot reach, say) must not end the process:
  // the node keeps serving its links and the journal, and the log says what failed.
  const guarded = (what: 'every' | 'after', ms: number, fn: () => unknown) => () => {
    const failed = (err: unknown) => {
      errors.note('timer_failed', err);
      log.warn({ err, timer: what, ms }, 'timer_failed');
    };
    try {
      const out = fn();
      if (out instanceof Promise) out.catch(failed);
    } catch (err) {
      failed(err);
    }
  };

  const api: NodeApi = {
    id: handle.id,
    peers: handle.peers,
    nodeIds,
    incarnation: handle.incarnation ?? 0,
    params,
    workload: handle.workload ?? null,
    destinations: handle.destinations,
    rng: keyedRng(handle.seed, 'behavior', handle.id),
    get storage() {
      if (!handle.storage) throw new NoStorageError();
      return handle.storage();
    },
    log,
    on(type, handler) {
      if (handlers.has(type)) throw new DuplicateHandlerError(type);
      handlers.set(type, handler);
    },
    send,
    reply,
    rpc(dest, body, options = {}) {
      const timeoutMs = options.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
      return new Promise((resolve, reject) => {
        const msgId = sendRequest(dest, body);
        const timer = setTimeout(() => {
          pending.delete(msgId);
          reject(new RpcError(ErrorCode.timeout, `no reply from ${dest} to ${body.type} within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(msgId, { dest, resolve, reject, timer });
      });
    },
    broadcast: (body) => handle.destinations.map((dest) => send(dest, body)),
    every(ms, fn) {
      const run = guarded('every', ms, fn);
      const timer = setInterval(() => running && run(), ms);
      timers.add(timer);
      return () => (clearInterval(timer), timers.delete(timer));
    },
    after(ms, fn) {
      const run = guarded('after', ms, fn);
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (running) run();
      }, ms);
      timers.add(timer);
      return () => (clearTimeout(timer), timers.delete(timer));
    },
    record: (kind, data = {}) => record(kind, data),
  };
  const hooks = factory(api) ?? {};

  /** Runs a handler and sends its return value (or its error) back to a request. */
  const dispatch = (handler: Handler, msg: Incoming) => {
    // The reply goes out after the handler returned (or its promise settled): what sending it
    // throws is no handler's error, and must not escape as an unhandled rejection either.
    const replyWith = (body: Body) => {
      try {
        reply(msg, body);
      } catch (err) {
        log.warn({ err, type: msg.body.type, src: msg.src }, 'reply_failed');
      }
    };
    const answer = (body: Body | void) => {
      if (body !== undefined && running) replyWith(body);
    };
    const fail = (err: unknown) => {
      const rpc = asRpcError(err);
      // An RpcError is the handler's answer (key does not exist, ...); anything else is a bug worth a warning.
      if (rpc) log.debug({ code: rpc.code, text: rpc.text, type: msg.body.type, src: msg.src }, 'handler_error');
      else {
        errors.note('handler_failed', err);
        log.warn({ err, type: msg.body.type, src: msg.src }, 'handler_failed');
      }
      const text = rpc ? rpc.text : (err as Error).message;
      if (msg.body.msg_id !== undefined && running) replyWith({ type: 'error', code: rpc?.code ?? ErrorCode.crash, text });
    };
    try {
      const out = handler(msg);
      if (out instanceof Promise) out.then(answer, fail);
      else answer(out);
    } catch (err) {
      fail(err);
    }
  };

  /** A start or stop hook that throws is counted and logged; the node goes on either way. */
  const runHook = (kind: 'start_failed' | 'stop_failed', fn: (() => void) | undefined) => {
    try {
      fn?.();
    } catch (err) {
      errors.note(kind, err);
      log.warn({ err }, kind);
    }
  };

  return {
    start() {
      running = true;
      runHook('start_failed', hooks.start);
    },
    stop() {
      running = false;
      runHook('stop_failed', hooks.stop);
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const p of pending.values()) clearTimeout(p.timer);
      pending.clear();
    },
    handle(msg) {
      const replyTo = msg.body.in_reply_to;
      const asked = replyTo === undefined ? undefined : pending.get(replyTo);
      // A reply from another node than the one asked answers nothing (another node guessing a msg_id).
      const waiting = asked?.dest === msg.src ? asked : undefined;
      if (waiting && replyTo !== undefined) {
        pending.delete(replyTo);
        clearTimeout(waiting.timer);
        const body = msg.body as Incoming['body'] & { code?: number; text?: string };
        if (body.type === 'error') waiting.reject(new RpcError(body.code ?? ErrorCode.crash, body.text ?? 'error'));
        else waiting.resolve(body as Incoming['body'] & Record<string, unknown>);
        return true;
      }
      const handler = handlers.get(msg.body.type);
      if (!handler && replyTo !== undefined) {
        // A reply nobody waits for any more (its rpc timed out): refusing it would send an error
        // back for an answer, as Maelstrom's node libraries do not.
        log.debug({ src: msg.src, type: msg.body.type, in_reply_to: replyTo }, 'late_reply');
        return true;
      }
      if (!handler) return false;
      dispatch(handler, msg);
      return true;
    },
    errors: () => errors.snapshot(),
  };
}
