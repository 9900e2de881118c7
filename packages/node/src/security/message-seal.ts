/**
 * End-to-end protection of data messages with `--security on` (docs/security.md): the origin
 * encrypts and authenticates each body (AES-256-GCM) under the key of the pair (its process, the
 * destination's process), with the envelope's journal facts (src, dest, id, sent_at and the
 * broadcast tag) and a per-pair sequence number as associated data; routers forward it unread. The
 * destination opens it, and a replay window per sender process lets each sequence number through once.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { Direct, RefusalReason, Sealed } from '@agentnet/protocol';
import type { NodeKeys, Process } from './node-keys.js';
import { ReplayWindow, type Freshness } from './replay-window.js';

const TAG_BYTES = 16;

/** The envelope fields a seal covers besides the body: the journal facts the origin set. */
export interface SealedFacts {
  src: string;
  dest: string;
  id: string;
  sent_at: number;
  bcast?: string | undefined;
  round?: number | undefined;
}

/** What opening a data message came to. */
export type Opened =
  | { ok: true; body: Record<string, unknown>; freshness: Freshness }
  /** Sealed for an earlier process of this node: the process it was for is gone. */
  | { ok: false; stale: true }
  | { ok: false; stale?: false; refusal: RefusalReason; text: string };

export class MessageSeal {
  /** Next sequence number per destination process. */
  private readonly next = new Map<string, number>();
  /** Per sender process. */
  private readonly windows = new Map<string, ReplayWindow>();

  constructor(
    private readonly keys: NodeKeys,
    private readonly self: Process,
  ) {}

  /** The sealed body for `facts.dest`'s latest known process; undefined when no key of it is known. */
  seal(facts: SealedFacts, body: Record<string, unknown>): Sealed | undefined {
    const to = this.keys.latestOf(facts.dest);
    if (to === undefined) return undefined;
    const key = this.keys.key(this.self, { id: facts.dest, incarnation: to }, this.self);
    if (!key) return undefined;
    const pair = `${facts.dest}.${to}`;
    const seq = this.next.get(pair) ?? 1;
    this.next.set(pair, seq + 1);
    const cipher = createCipheriv('aes-256-gcm', key, nonceOf(seq));
    cipher.setAAD(associated(facts, seq, this.self.incarnation, to));
    const box = Buffer.concat([cipher.update(JSON.stringify(body), 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return { type: 'sealed', seq, from: this.self.incarnation, to, box: box.toString('base64') };
  }

  /**
   * The numbers of a message that goes on this node's own link to `dest` (`direct`): TLS carries
   * it end to end, so it needs no seal, only a number the destination's replay window checks.
   */
  direct(dest: string): Direct {
    const pair = `direct:${dest}`;
    const seq = this.next.get(pair) ?? 1;
    this.next.set(pair, seq + 1);
    return { seq, from: this.self.incarnation, to: this.keys.latestOf(dest) ?? 0 };
  }

  /**
   * A `direct` message for this node, which came on the link from `linkPeer` (whose certificate
   * named it): unsealed, it is taken only from its sender's own link, each number once.
   */
  openDirect(facts: { src: string; direct: Direct; body: { type: string } }, linkPeer: string | undefined): Opened {
    const { direct } = facts;
    if (linkPeer !== facts.src || facts.body.type === 'sealed') return { ok: false, refusal: 'unsealed', text: `an unsealed ${facts.body.type} message that did not come on ${facts.src}'s own link` };
    if (direct.to < this.self.incarnation) return { ok: false, stale: true };
    const sender = `direct:${facts.src}.${direct.from}`;
    let window = this.windows.get(sender);
    if (!window) this.windows.set(sender, (window = new ReplayWindow()));
    return { ok: true, body: facts.body, freshness: window.check(direct.seq) };
  }

  /** Opens a message for this node; its body must be `sealed` (the caller checked its schema). */
  open(facts: SealedFacts, body: { type: string } | Sealed): Opened {
    if (body.type !== 'sealed') return { ok: false, refusal: 'unsealed', text: `a ${body.type} message without its end-to-end seal` };
    const sealed = body as Sealed;
    // With --peer-validation off nothing checked the seal's fields: a malformed one does not open.
    if (!isWellFormed(sealed)) return { ok: false, refusal: 'bad_seal', text: 'a malformed seal' };
    if (sealed.to < this.self.incarnation) return { ok: false, stale: true };
    const from = { id: facts.src, incarnation: sealed.from };
    const key = sealed.to === this.self.incarnation ? this.keys.key(from, this.self, this.self) : undefined;
    if (!key) return { ok: false, refusal: 'bad_seal', text: `no key of ${facts.src}'s process ${sealed.from} for this process` };
    const box = Buffer.from(sealed.box, 'base64');
    if (box.length < TAG_BYTES) return { ok: false, refusal: 'bad_seal', text: 'a box shorter than its tag' };
    let plain: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, nonceOf(sealed.seq), { authTagLength: TAG_BYTES });
      decipher.setAAD(associated(facts, sealed.seq, sealed.from, sealed.to));
      decipher.setAuthTag(box.subarray(box.length - TAG_BYTES));
      plain = Buffer.concat([decipher.update(box.subarray(0, box.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return { ok: false, refusal: 'bad_seal', text: `does not open under ${facts.src}'s key` };
    }
    let inner: unknown;
    try {
      inner = JSON.parse(plain);
    } catch {
      inner = undefined;
    }
    if (typeof inner !== 'object' || inner === null || typeof (inner as { type?: unknown }).type !== 'string') {
      return { ok: false, refusal: 'bad_seal', text: 'the sealed body is no message body' };
    }
    const sender = `${facts.src}.${sealed.from}`;
    let window = this.windows.get(sender);
    if (!window) this.windows.set(sender, (window = new ReplayWindow()));
    return { ok: true, body: inner as Record<string, unknown>, freshness: window.check(sealed.seq) };
  }
}

function isWellFormed(s: Sealed): boolean {
  const count = (n: unknown, min: number) => Number.isSafeInteger(n) && (n as number) >= min && (n as number) < 2 ** 48;
  return count(s.seq, 1) && count(s.from, 0) && count(s.to, 0) && typeof s.box === 'string';
}

/** A GCM nonce from the sequence number: unique per key, since each key seals one direction of one pair of processes. */
function nonceOf(seq: number): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeUIntBE(seq, 6, 6);
  return nonce;
}

function associated(f: SealedFacts, seq: number, from: number, to: number): Buffer {
  return Buffer.from(JSON.stringify([f.src, f.dest, f.id, f.sent_at, f.bcast ?? null, f.round ?? null, seq, from, to]));
}
