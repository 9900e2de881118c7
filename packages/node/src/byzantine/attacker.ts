/**
 * A Byzantine node's attacks on its own data path (`--byzantine`, docs/security.md): what it sends
 * and forwards is altered (`tamper`), repeated later (`replay`) or copied in other nodes' names
 * (`forge`). It attacks as an insider would: it holds only its own keys, so what it forges it seals
 * under its own key, and what it alters inside a seal it can only alter blindly. Every attack goes
 * into its journal first, so the coordinator knows the truth and can tell which ones were caught.
 */
import { FORGED_ID_MARK, isClientId, keyedRng, wallClockMs, type Attack, type Rng, type Sealed } from '@agentnet/protocol';
import type { Journal } from '../records/journal.js';
import type { Decision } from '../network/link-decider.js';
import type { MessageFacts } from '../network/message-facts.js';
import type { MessageSeal } from '../security/message-seal.js';

/** A data message's envelope as the data path puts it on a link. */
export type Envelope = MessageFacts & { body: { type: string }; [key: string]: unknown };

export interface AttackWire {
  self: string;
  nodeIds: readonly string[];
  seed: number;
  incarnation: number;
  journal: Journal;
  /** The link towards `dest` and the network's draw for it; undefined when there is no route. */
  route(dest: string): { peer: string; d: Decision } | undefined;
  /** A new message's hop fields (ttl and hops in a routed run). */
  hop(): { ttl?: number; hops?: number };
  /** Puts an attack's frame on the link: what becomes of it is for the attack journal to account for. */
  put(peer: string, d: Decision, facts: MessageFacts, envelope: Envelope): void;
  /** With `--security on`: seals a body for the facts under this node's own key (the only one it has). */
  seal?: ((facts: MessageFacts, body: Record<string, unknown>) => Sealed | undefined) | undefined;
}

/** Frames kept to replay later. */
const REPLAY_RING = 64;

export class Attacker {
  private attacks = new Set<Attack>();
  private readonly rng: Rng;
  private readonly ring: Envelope[] = [];
  private forged = 0;

  constructor(private readonly w: AttackWire) {
    this.rng = keyedRng(w.seed, 'byzantine', w.self, w.incarnation);
  }

  /** The attacks the fault state gives this node now (none: it is honest again). */
  set(attacks: readonly Attack[]): void {
    this.attacks = new Set(attacks);
  }

  get active(): boolean {
    return this.attacks.size > 0;
  }

  /**
   * A message this node sends or forwards, as it goes out: altered, with `tamper`. A network
   * duplicate it forwards (`copy`) is altered too, but journaled with its original only.
   */
  outgoing(envelope: Envelope, copy = false): Envelope {
    // Its own message on its own TLS link to the destination (`direct`) it does not alter: changed
    // before it leaves, it is just another message under its own name, which no check can refuse.
    if (!this.attacks.has('tamper') || isClientId(envelope.dest) || envelope.direct !== undefined) return envelope;
    if (!copy) this.journal('tamper', envelope);
    return { ...envelope, body: this.altered(envelope.body) };
  }

  /**
   * After a message went out: an earlier one sent again (`replay`), and for a message of its own
   * (`body`, before its seal) copies in every other node's name (`forge`).
   */
  after(envelope: Envelope, body?: Record<string, unknown>): void {
    if (isClientId(envelope.dest)) return;
    if (this.attacks.has('replay')) this.replay(envelope);
    if (this.attacks.has('forge') && body) this.forge(envelope, body);
  }

  private replay(sent: Envelope): void {
    const earlier = this.ring.length > 0 ? this.ring[this.rng.int(this.ring.length)] : undefined;
    this.ring.push(sent);
    if (this.ring.length > REPLAY_RING) this.ring.shift();
    if (!earlier) return;
    this.journal('replay', earlier);
    const way = this.w.route(earlier.dest);
    // Unchanged, as captured: its id, its seal, its hop count. Never sooner than the original's
    // delay: its receipt may be the message's first, and no receipt comes before its injected delay.
    if (way) this.w.put(way.peer, { ...way.d, delayMs: Math.max(way.d.delayMs, earlier.delay_ms) }, factsOf(earlier), earlier);
  }

  private forge(sent: Envelope, body: Record<string, unknown>): void {
    for (const victim of this.w.nodeIds) {
      if (victim === this.w.self || victim === sent.dest) continue;
      const way = this.w.route(sent.dest);
      const id = `${victim}${FORGED_ID_MARK}${this.w.self}.${this.w.incarnation}-${++this.forged}`;
      const facts: MessageFacts = { id, src: victim, dest: sent.dest, sent_at: wallClockMs(), delay_ms: way?.d.delayMs ?? 0 };
      this.journal('forge', facts);
      if (!way) continue;
      const forgedBody = this.w.seal ? this.w.seal(facts, body) : (body as Envelope['body']);
      if (!forgedBody) continue;
      this.w.put(way.peer, way.d, facts, { ...facts, ...this.w.hop(), body: forgedBody });
    }
  }

  private journal(kind: Attack, f: MessageFacts): void {
    this.w.journal.add({ t: 'attack', kind, ...factsOf(f), by: this.w.self });
  }

  /** The body with one thing changed: a byte of a seal's box, else a number, else a text, else a field added. */
  private altered(original: Envelope['body']): Record<string, unknown> & { type: string } {
    const body = original as Record<string, unknown> & { type: string };
    if (body.type === 'sealed' && typeof body.box === 'string') {
      const box = Buffer.from(body.box, 'base64');
      const at = this.rng.int(box.length);
      box[at] = (box[at] ?? 0) ^ (1 + this.rng.int(255));
      return { ...body, box: box.toString('base64') };
    }
    const keys = Object.keys(body).filter((k) => k !== 'type' && k !== 'msg_id' && k !== 'in_reply_to');
    const num = keys.find((k) => typeof body[k] === 'number');
    if (num !== undefined) return { ...body, [num]: (body[num] as number) + 1 };
    const text = keys.find((k) => typeof body[k] === 'string' && body[k] !== '');
    // Its last character changed, not one added: the length stays within the schema's limits.
    if (text !== undefined) {
      const t = String(body[text]);
      return { ...body, [text]: `${t.slice(0, -1)}${t.endsWith('~') ? '^' : '~'}` };
    }
    return { ...body, tampered: true };
  }
}

/** The attacker of a node's data path, with that path's routes, draws and links. */
export function createAttacker(
  o: { self: string; nodeIds: readonly string[]; network: { seed: number }; incarnation: number; journal: Journal; routing?: { nextHop: (dest: string) => string | undefined; ttl: number } | undefined; sealed?: { seal: MessageSeal } | undefined },
  destinations: ReadonlySet<string>,
  draw: (peer: string) => Decision,
  put: AttackWire['put'],
): Attacker {
  const { routing, sealed } = o;
  return new Attacker({
    self: o.self,
    nodeIds: o.nodeIds,
    seed: o.network.seed,
    incarnation: o.incarnation,
    journal: o.journal,
    route: (dest) => {
      const peer = routing ? routing.nextHop(dest) : destinations.has(dest) ? dest : undefined;
      return peer === undefined ? undefined : { peer, d: draw(peer) };
    },
    hop: () => (routing ? { ttl: routing.ttl, hops: 1 } : {}),
    put,
    seal: sealed && ((facts, body) => sealed.seal.seal(facts, body)),
  });
}

function factsOf(f: MessageFacts): MessageFacts {
  return { id: f.id, src: f.src, dest: f.dest, sent_at: f.sent_at, delay_ms: f.delay_ms, ...(f.bcast === undefined ? {} : { bcast: f.bcast }), ...(f.round === undefined ? {} : { round: f.round }) };
}
