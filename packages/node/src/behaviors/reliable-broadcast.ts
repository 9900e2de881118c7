/**
 * Reliable broadcast with anti-entropy on the node API. Every node broadcasts a new value every
 * 100-300 ms; values spread by push gossip (a node forwards a value it has not seen to its other
 * neighbours, once). Gossip alone loses what a partition or a lossy link drops, so every 500 ms
 * each node also picks a neighbour and the two exchange digests (see reliable-broadcast-digest.ts):
 * each sends the other exactly the values it lacks. A node records `broadcast {value}` for its own
 * values, `hold {value}` for each value it learns, and for each anti-entropy message it sends
 * (rb_sync, rb_sync_ok, rb_repair) `sync {to, type, bytes}` with the bytes besides the values it
 * carries (the digest, the type and field names) plus `repair {to, bytes, values}` for the values,
 * so the checker can judge convergence and the report can count everything anti-entropy cost:
 * the digests go out every round whether anything is missing or not.
 * `antiEntropy: false` is the broken variant the checker must catch: gossip only.
 *
 * A node stores every value it holds (node.storage) before it records or passes it on, so what it
 * acknowledged survives a crash: a restarted node records `boot` and then `hold` for each value
 * it found on storage, and catches up on the rest by anti-entropy.
 */
import { ErrorCode, RpcError, jsonBytes } from '@agentnet/protocol';
import { z } from 'zod';
import type { Incoming } from '../api/behavior.js';
import type { NodeApi } from '../api/node-api.js';
import { Digest, HeldValues, Value } from './reliable-broadcast-digest.js';

export const RELIABLE_BROADCAST_TIMING = { minIntervalMs: 100, maxIntervalMs: 300, antiEntropyMs: 500, syncTimeoutMs: 400 };

const ValueMsg = z.object({ value: Value });
const Sync = z.object({ digest: Digest });
const SyncOk = z.object({ values: z.array(Value), digest: Digest });
const Repair = z.object({ values: z.array(Value) });

/** A peer's body that does not parse: the handler's error reply says why. */
function parsed<T>(schema: z.ZodType<T>, msg: Incoming): T {
  const r = schema.safeParse(msg.body);
  if (!r.success) throw new RpcError(ErrorCode.malformed_request, `${msg.body.type} from ${msg.src}: ${z.prettifyError(r.error)}`);
  return r.data;
}

export function createReliableBroadcast(node: NodeApi, options: { antiEntropy: boolean }) {
  const t = RELIABLE_BROADCAST_TIMING;
  // Its counter starts again after a restart: the origin names the incarnation so the new values
  // never collide with those an earlier process sent.
  const origin = `${node.id}.${node.incarnation}`;
  const stored = node.storage.list('rb_held');
  const held = new HeldValues();
  const restored = stored.items().filter((v): v is string => typeof v === 'string');
  for (const value of restored) held.add(value);
  // The checker counts what a node holds from its latest boot on, and a peer's value can reach a
  // restarted process before its start hook runs: the boot is recorded as the state is loaded, so
  // a hold that comes early is never recorded before it (and so forgotten).
  node.record('boot', { origin });
  for (const value of restored) node.record('hold', { value });
  let k = 0;

  /** Takes the values not held yet: stored first, so nothing is acknowledged that a crash could take back. */
  const keep = (values: readonly string[]): string[] => {
    const fresh = [...new Set(values)].filter((v) => !held.has(v));
    stored.append(...fresh);
    for (const v of fresh) held.add(v);
    return fresh;
  };

  const gossip = (value: string, except?: string) => {
    for (const peer of node.peers) if (peer !== except) node.send(peer, { type: 'rb_value', value });
  };

  /** Values that came by repair are not gossiped on: each node repairs itself, so the `sync` and `repair` bytes are the whole cost of catching up. */
  const learn = (values: string[]) => {
    for (const value of keep(values)) node.record('hold', { value });
  };

  /**
   * Records what an anti-entropy body costs, measured on the body itself just before it is handed
   * to the node API: the UTF-8 length of its JSON. That leaves out the msg_id / in_reply_to the API
   * adds and the {src, dest, body} envelope (a few dozen bytes a message), as the full resend the
   * checker compares with leaves them out. `repair` takes the JSON of the values array, `sync` the
   * rest of the body, so the two add up to the whole body (an empty array stays with `sync`).
   */
  const spend = <B extends { type: string; values?: string[] }>(dest: string, body: B): B => {
    const values = body.values ?? [];
    const valueBytes = values.length > 0 ? jsonBytes(values) : 0;
    node.record('sync', { to: dest, type: body.type, bytes: jsonBytes(body) - valueBytes });
    if (values.length > 0) node.record('repair', { to: dest, bytes: valueBytes, values: values.length });
    return body;
  };

  const originate = () => {
    const value = `${origin}:${++k}`;
    keep([value]);
    node.record('broadcast', { value });
    gossip(value);
    node.after(node.rng.uniform(t.minIntervalMs, t.maxIntervalMs), originate);
  };

  /** Pushes this node's digest to a random neighbour, takes what it lacked and sends what the neighbour lacks. */
  const sync = () => {
    const peer = node.peers[node.rng.int(node.peers.length)];
    if (peer === undefined) return;
    // Recorded when sent: the bytes are spent whether or not the peer ever answers.
    node.rpc(peer, spend(peer, { type: 'rb_sync', digest: held.digest() }), { timeoutMs: t.syncTimeoutMs }).then(
      (reply) => {
        const r = SyncOk.safeParse(reply);
        if (!r.success) return void node.log.warn({ peer, err: z.prettifyError(r.error) }, 'sync_reply_malformed');
        learn(r.data.values);
        const lacking = held.missingFrom(r.data.digest);
        if (lacking.length === 0) return;
        node.send(peer, spend(peer, { type: 'rb_repair', values: lacking }));
      },
      // Expected while a partition cuts the link: the next round picks again.
      (err: unknown) => node.log.debug({ peer, err }, 'sync_unanswered'),
    );
  };

  node.on('rb_value', (msg) => {
    const { value } = parsed(ValueMsg, msg);
    if (keep([value]).length === 0) return;
    node.record('hold', { value });
    gossip(value, msg.src);
  });
  if (options.antiEntropy) {
    node.on('rb_sync', (msg) => {
      const values = held.missingFrom(parsed(Sync, msg).digest);
      return spend(msg.src, { type: 'rb_sync_ok', values, digest: held.digest() });
    });
    node.on('rb_repair', (msg) => learn(parsed(Repair, msg).values));
  }

  return {
    start() {
      node.after(node.rng.uniform(t.minIntervalMs, t.maxIntervalMs), originate);
      // Each node's rounds start at its own random phase: nodes started together would otherwise
      // all sync at once and repair the same values twice from the same stale digests.
      if (options.antiEntropy) node.after(node.rng.uniform(0, t.antiEntropyMs), () => node.every(t.antiEntropyMs, sync));
    },
  };
}
