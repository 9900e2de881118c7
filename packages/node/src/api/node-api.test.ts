/**
 * The node API over an in-memory pair of nodes: handlers reply with their return value, rpc
 * resolves with the reply and rejects with the Maelstrom timeout code (its timer cleared on reply),
 * errors from handlers go back as error bodies, a type registered twice throws, and timers stop
 * with the behaviour.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { ErrorCode, RpcError, createLogger } from '@agentnet/protocol';
import type { Behavior, Incoming, NodeHandle } from './behavior.js';
import { createApiBehavior, DuplicateHandlerError, type BehaviorFactory } from './node-api.js';
import { UnknownPeerError } from '../errors.js';

const { log } = createLogger({ role: 'node', level: 'silent', pretty: false });

/** Two nodes whose sends arrive on the next timer turn, each message a plain object. */
function pair(a: BehaviorFactory, b: BehaviorFactory): { nodes: Map<string, Behavior>; sent: Incoming[] } {
  const nodes = new Map<string, Behavior>();
  const sent: Incoming[] = [];
  const counters = new Map<string, number>();
  const handle = (id: string, peer: string): NodeHandle => ({
    id,
    peers: [peer],
    destinations: [peer],
    seed: 7,
    backlog: () => 0,
    send(dest, body) {
      const k = (counters.get(id) ?? 0) + 1;
      counters.set(id, k);
      const msg: Incoming = { src: id, dest, id: `${id}-${k}`, body: { ...body, msg_id: k } };
      sent.push(msg);
      setTimeout(() => nodes.get(dest)?.handle(msg), 1);
      return { id: `${id}-${k}`, msgId: k };
    },
  });
  nodes.set('n0', createApiBehavior(handle('n0', 'n1'), ['n0', 'n1'], log, a));
  nodes.set('n1', createApiBehavior(handle('n1', 'n0'), ['n0', 'n1'], log, b));
  for (const n of nodes.values()) n.start();
  return { nodes, sent };
}

describe('node API', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("answers an rpc with the handler's return value, and clears the timeout", async () => {
    let client!: Parameters<BehaviorFactory>[0];
    pair(
      (node) => void (client = node),
      (node) => node.on('add', (msg) => ({ type: 'add_ok', sum: (msg.body.a as number) + (msg.body.b as number) })),
    );
    const reply = client.rpc('n1', { type: 'add', a: 2, b: 3 });
    await vi.advanceTimersByTimeAsync(5);
    await expect(reply).resolves.toMatchObject({ type: 'add_ok', sum: 5, in_reply_to: 1 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects an unanswered rpc with the timeout code, and a failed handler's with its error", async () => {
    let client!: Parameters<BehaviorFactory>[0];
    const { sent } = pair(
      (node) => void (client = node),
      (node) => {
        node.on('fail', () => {
          throw new RpcError(ErrorCode.key_does_not_exist, 'no such key');
        });
        node.on('silent', () => undefined);
      },
    );
    const silent = client.rpc('n1', { type: 'silent' }, { timeoutMs: 50 });
    const failed = client.rpc('n1', { type: 'fail' });
    const silentResult = expect(silent).rejects.toMatchObject({ code: ErrorCode.timeout });
    const failedResult = expect(failed).rejects.toMatchObject({ code: ErrorCode.key_does_not_exist, text: 'no such key' });
    await vi.advanceTimersByTimeAsync(60);
    await silentResult;
    await failedResult;
    expect(sent.find((m) => m.body.type === 'error')?.body).toMatchObject({ in_reply_to: 2, code: ErrorCode.key_does_not_exist, text: 'no such key' });
  });

  it('takes the reply of an rpc only from the node it asked', async () => {
    let client!: Parameters<BehaviorFactory>[0];
    const { nodes } = pair(
      (node) => void (client = node),
      (node) => node.on('add', (msg) => ({ type: 'add_ok', sum: (msg.body.a as number) + (msg.body.b as number) })),
    );
    const reply = client.rpc('n1', { type: 'add', a: 2, b: 3 });
    // Another node that guesses the msg_id (here, a made-up n9) answers nothing: no handler takes it.
    expect(nodes.get('n0')?.handle({ src: 'n9', dest: 'n0', body: { type: 'add_ok', sum: 666, in_reply_to: 1 } })).toBe(true);
    await vi.advanceTimersByTimeAsync(5);
    await expect(reply).resolves.toMatchObject({ type: 'add_ok', sum: 5 });
  });

  it('takes a reply that comes after its rpc timed out quietly, without answering it', async () => {
    let client!: Parameters<BehaviorFactory>[0];
    let answerLate!: () => void;
    const { nodes, sent } = pair(
      (node) => void (client = node),
      (node) => node.on('slow', (msg) => new Promise((resolve) => (answerLate = () => resolve({ type: 'slow_ok', for: msg.body.msg_id })))),
    );
    const late = expect(client.rpc('n1', { type: 'slow' }, { timeoutMs: 10 })).rejects.toMatchObject({ code: ErrorCode.timeout });
    await vi.advanceTimersByTimeAsync(20);
    await late;
    answerLate();
    await vi.advanceTimersByTimeAsync(5);
    // n0 took slow_ok (no handler, nobody waiting) without refusing it or counting an error.
    expect(sent.map((m) => m.body.type)).toEqual(['slow', 'slow_ok']);
    expect(nodes.get('n0')?.handle({ src: 'n1', dest: 'n0', body: { type: 'slow_ok', in_reply_to: 99 } })).toBe(true);
    expect(nodes.get('n0')?.handle({ src: 'n1', dest: 'n0', body: { type: 'slow_ok' } })).toBe(false);
    expect(nodes.get('n0')?.errors?.().count).toBe(0);
  });

  it("answers with the code of an RpcError from a module's own copy of the protocol package, and 13 for any other error", async () => {
    // What a behaviour module loaded from a path throws: its RpcError is not the node's class.
    class RpcError extends Error {
      constructor(
        readonly code: number,
        readonly text: string,
      ) {
        super(text);
        this.name = 'RpcError';
      }
    }
    let client!: Parameters<BehaviorFactory>[0];
    pair(
      (node) => void (client = node),
      (node) => {
        node.on('precondition', () => {
          throw new RpcError(ErrorCode.precondition_failed, 'expected 3');
        });
        node.on('broken', () => {
          throw new Error('a bug');
        });
      },
    );
    const precondition = expect(client.rpc('n1', { type: 'precondition' })).rejects.toMatchObject({ code: ErrorCode.precondition_failed, text: 'expected 3' });
    const broken = expect(client.rpc('n1', { type: 'broken' })).rejects.toMatchObject({ code: ErrorCode.crash, text: 'a bug' });
    await vi.advanceTimersByTimeAsync(5);
    await precondition;
    await broken;
  });

  it('refuses a second handler for a type, and stops its timers with the behaviour', async () => {
    expect(() => pair((node) => (node.on('x', () => undefined), node.on('x', () => undefined)), () => undefined)).toThrow(DuplicateHandlerError);
    let ticks = 0;
    const { nodes } = pair((node) => void node.every(10, () => ticks++), () => undefined);
    await vi.advanceTimersByTimeAsync(35);
    expect(ticks).toBe(3);
    nodes.get('n0')?.stop();
    await vi.advanceTimersByTimeAsync(100);
    expect(ticks).toBe(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('logs what a timer throws or rejects with, and keeps the timer going', async () => {
    const lines: Array<{ msg: string; timer?: string; err?: { message: string } }> = [];
    const logged = pino({ level: 'warn' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
    let ticks = 0;
    const behavior = createApiBehavior(
      { id: 'n0', peers: [], destinations: [], seed: 7, backlog: () => 0, send: () => ({ id: 'n0-1', msgId: 1 }) },
      ['n0'],
      logged,
      (node) => {
        node.every(10, () => {
          ticks++;
          throw new Error('no such peer');
        });
        node.after(15, async () => {
          throw new Error('rejected later');
        });
      },
    );
    behavior.start();
    await vi.advanceTimersByTimeAsync(35);
    expect(ticks).toBe(3);
    expect(lines.map((l) => `${l.msg} ${l.timer} ${l.err?.message}`)).toEqual([
      'timer_failed every no such peer',
      'timer_failed after rejected later',
      'timer_failed every no such peer',
      'timer_failed every no such peer',
    ]);
    behavior.stop();
  });

  it('counts what the behaviour raised, once each, and keeps the first', async () => {
    // A node whose only destination is n1: a send anywhere else throws, as the data path does.
    const handle: NodeHandle = {
      id: 'n0',
      peers: ['n1'],
      destinations: ['n1'],
      seed: 7,
      backlog: () => 0,
      send: (dest) => {
        if (dest !== 'n1') throw new UnknownPeerError(dest);
        return { id: 'n0-1', msgId: 1 };
      },
    };
    let node!: Parameters<BehaviorFactory>[0];
    const behavior = createApiBehavior(handle, ['n0', 'n1'], log, (api) => {
      node = api;
      api.every(10, () => {
        throw new Error('boom');
      });
      api.on('bad', () => {
        throw new TypeError('handler bug');
      });
      // An RpcError is the handler's answer, not a bug.
      api.on('missing', () => {
        throw new RpcError(ErrorCode.key_does_not_exist, 'no such key');
      });
      return { stop: () => void api.send('n99', { type: 'bye' }) };
    });
    expect(behavior.errors?.()).toEqual({ count: 0, first: null });
    behavior.start();
    await vi.advanceTimersByTimeAsync(25);
    expect(behavior.errors?.()).toEqual({ count: 2, first: { kind: 'timer_failed', text: 'Error: boom' } });
    // A send to a node that does not exist counts where it happens, also when the behaviour catches it...
    expect(() => node.send('n99', { type: 'x' })).toThrow(UnknownPeerError);
    await expect(node.rpc('n98', { type: 'x' })).rejects.toThrow(UnknownPeerError);
    // ...and once only when it escapes from a timer.
    node.after(1, () => node.send('n97', { type: 'x' }));
    await vi.advanceTimersByTimeAsync(1);
    expect(behavior.errors?.().count).toBe(5);
    behavior.handle({ src: 'n1', dest: 'n0', body: { type: 'bad', msg_id: 1 } });
    behavior.handle({ src: 'n1', dest: 'n0', body: { type: 'missing', msg_id: 2 } });
    await vi.advanceTimersByTimeAsync(1);
    expect(behavior.errors?.().count).toBe(6);
    // A stop hook that throws is counted too, and the node stops all the same.
    behavior.stop();
    expect(behavior.errors?.()).toEqual({ count: 7, first: { kind: 'timer_failed', text: 'Error: boom' } });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('counts a reply that cannot be sent, without an unhandled rejection', async () => {
    const handle: NodeHandle = {
      id: 'n0',
      peers: [],
      destinations: [],
      seed: 7,
      backlog: () => 0,
      send: (dest) => {
        throw new UnknownPeerError(dest);
      },
    };
    const behavior = createApiBehavior(handle, ['n0'], log, (api) => api.on('ask', async () => ({ type: 'ask_ok' })));
    behavior.start();
    behavior.handle({ src: 'c9', dest: 'n0', body: { type: 'ask', msg_id: 1 } });
    await vi.advanceTimersByTimeAsync(1);
    expect(behavior.errors?.()).toEqual({ count: 1, first: { kind: 'reply_failed', text: 'UnknownPeerError: ' + new UnknownPeerError('c9').message } });
    behavior.stop();
  });
});
