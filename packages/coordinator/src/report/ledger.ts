/**
 * Joins the journal records that nodes stream in (send, recv, drop) into one entry per message.
 * A message exists once any record of it has arrived: a receipt alone still proves it was sent,
 * even when the sender crashed before shipping its own record.
 */
import { FORGED_ID_MARK, type AttackRecord, type AttackReport, type AttemptRecord, type DropReason, type JournalRecord, type MessageLine, type RefusalReason } from '@agentnet/protocol';
import type { LinkCounts } from '../api/schema.js';
import { attackReport, type Attacked } from './attack-tally.js';

/** A record of one message (not of an attack). */
type MessageRecord = Exclude<JournalRecord, AttackRecord | AttemptRecord>;

/** A message moves into `after` in these counts: from `before`, or as a new one (sent). */
function tally(counts: LinkCounts, before: Status | undefined, after: Status): void {
  if (before === undefined) counts.sent++;
  else counts[before]--;
  counts[after]++;
}

/** A message leaves these counts (a forgery turned out to be the attack's). */
function untally(counts: LinkCounts, status: Status): void {
  counts.sent--;
  counts[status]--;
}

interface Entry {
  id: string;
  src: string;
  dest: string;
  sent_at: number;
  delay_ms: number;
  sendRecorded: boolean;
  received_at: number | null;
  drop_reason: DropReason | null;
  duplicates: number;
  /** Arrival of a duplicate copy, which counts as the delivery when the original never came. */
  copy_received_at: number | null;
  /** DELAY_RANK of the record `delay_ms` came from. */
  delayRank: number;
  /** Links the delivered message (or its copy) took. */
  hops: number | null;
  /** The router on the way that dropped it, when not its sender. */
  dropped_by: string | null;
  /** Why its destination refused it (drop reason `rejected`). */
  refusal: RefusalReason | null;
  /** The body's type, and the body (cut), from the send record. */
  type?: string;
  body?: string;
  /** Receipts of it (recv records): more than one only when a Byzantine node replayed it. */
  receipts: number;
  /** When the receipts after the first came (epoch ms). */
  laterReceipts?: number[];
  /** Copies that came unmarked and were refused as replays (dup records with `replay`). */
  replayCopies: number;
  /** Drop records with reason `rejected` (its destination's refusals of it, a replayed altered copy's too). */
  rejections: number;
  /** A broadcast's hop message: the broadcast and its round. */
  bcast?: string;
  round?: number;
}

type Status = 'delivered' | 'dropped' | 'in_flight';

/** Which record's `delay_ms` wins: receipt over drop over send; a duplicate copy's never. */
const DELAY_RANK = { dup: -1, send: 1, drop: 2, recv: 3 } as const;

function statusOf(e: Entry): Status {
  if (e.received_at !== null || e.copy_received_at !== null) return 'delivered';
  return e.drop_reason === null ? 'in_flight' : 'dropped';
}

export class Ledger {
  private readonly entries = new Map<string, Entry>();
  /**
   * Per directed link (`src>dest`), kept up to date record by record so the control API can read
   * live counts without walking every message.
   */
  private readonly perLink = new Map<string, LinkCounts>();
  /** What Byzantine nodes' journals say they did to each message id. */
  private readonly attacked = new Map<string, Attacked>();
  /** Every link's counts summed, kept up to date with them (the progress line and the API's state read it). */
  private readonly total: LinkCounts = { sent: 0, delivered: 0, dropped: 0, in_flight: 0 };
  /** The connection attacks' tries (impersonate, downgrade), as their attackers journaled them. */
  private readonly attempts: AttemptRecord[] = [];

  add(record: JournalRecord): void {
    if (record.t === 'attack') return this.attack(record);
    if (record.t === 'attempt') return void this.attempts.push(record);
    // An attacker that crashed takes its last batch of attack records with it; its forged ids say what they are.
    if (record.id.includes(FORGED_ID_MARK) && !this.attacked.get(record.id)?.forged) this.attack({ ...record, t: 'attack', kind: 'forge', by: record.src });
    const known = this.entries.get(record.id);
    const entry = known ?? this.create(record);
    const before = known === undefined ? undefined : statusOf(known);
    this.join(entry, record);
    const after = statusOf(entry);
    // A forged message is no message of its claimed sender's: it is counted with the attacks, not on the link.
    if (before === after || this.attacked.get(record.id)?.forged) return;
    tally(this.countsOf(entry.src, entry.dest), before, after);
    tally(this.total, before, after);
  }

  /** The messages so far, summed over every link: as `linkCounts`, for the whole run. */
  totals(): LinkCounts {
    return { ...this.total };
  }

  /**
   * An attack record (from the attacker, whose journal is the truth): a forged message leaves the
   * link counts it was put in by a receipt that came first.
   */
  private attack(record: AttackRecord): void {
    let a = this.attacked.get(record.id);
    if (!a) this.attacked.set(record.id, (a = { forged: false, replays: 0, tampered: 0 }));
    if (record.kind === 'replay') a.replays++;
    else if (record.kind === 'tamper') a.tampered++;
    // Known already from its id's form (its receipt came first): one forgery, counted once.
    else if (!a.forged) {
      a.forged = true;
      const entry = this.entries.get(record.id);
      if (!entry) return;
      untally(this.countsOf(entry.src, entry.dest), statusOf(entry));
      untally(this.total, statusOf(entry));
    }
  }

  /** Records that contradict one another (two receipts of one message no one replayed), for the report. */
  get anomalies(): string[] {
    const out: string[] = [];
    for (const e of this.entries.values()) {
      if (e.receipts > 1 + (this.attacked.get(e.id)?.replays ?? 0)) out.push(`message ${e.id} was received ${e.receipts === 2 ? 'twice' : `${e.receipts} times`}`);
    }
    return out;
  }

  /** report.json's `security.attacks`, when the run had a Byzantine node (`byzantine`) or an attack was journaled. */
  attackReport(byzantine: boolean): AttackReport | undefined {
    if (!byzantine && this.attacked.size === 0 && this.attempts.length === 0) return undefined;
    return attackReport(
      this.attacked,
      (id) => {
        const e = this.entries.get(id);
        return e && { ...e, status: statusOf(e) };
      },
      this.attempts,
    );
  }

  /** What the ledger holds so far of the link src -> dest. */
  linkCounts(src: string, dest: string): LinkCounts {
    return { ...(this.perLink.get(`${src}>${dest}`) ?? { sent: 0, delivered: 0, dropped: 0, in_flight: 0 }) };
  }

  private countsOf(src: string, dest: string): LinkCounts {
    const key = `${src}>${dest}`;
    let counts = this.perLink.get(key);
    if (!counts) {
      counts = { sent: 0, delivered: 0, dropped: 0, in_flight: 0 };
      this.perLink.set(key, counts);
    }
    return counts;
  }

  private create(record: MessageRecord): Entry {
    const entry: Entry = {
      id: record.id,
      src: record.src,
      dest: record.dest,
      sent_at: record.sent_at,
      delay_ms: record.delay_ms,
      sendRecorded: false,
      received_at: null,
      drop_reason: null,
      duplicates: 0,
      copy_received_at: null,
      delayRank: DELAY_RANK[record.t],
      hops: null,
      dropped_by: null,
      refusal: null,
      receipts: 0,
      replayCopies: 0,
      rejections: 0,
      ...(record.bcast === undefined ? {} : { bcast: record.bcast, ...(record.round === undefined ? {} : { round: record.round }) }),
    };
    this.entries.set(record.id, entry);
    return entry;
  }

  private join(entry: Entry, record: MessageRecord): void {
    // The receipt's delay is the whole path's (a routed message adds each hop's); a router's drop
    // has the path so far; the send only the first link's. A duplicate copy's delay is its own.
    const rank = DELAY_RANK[record.t];
    if (rank > entry.delayRank) {
      entry.delay_ms = record.delay_ms;
      entry.delayRank = rank;
    }
    switch (record.t) {
      case 'send':
        entry.sendRecorded = true;
        if (record.type !== undefined) entry.type = record.type;
        if (record.body !== undefined) entry.body = record.body;
        return;
      case 'recv':
        entry.receipts++;
        // A replay's receipt is the attack's, not the message's.
        if (entry.received_at !== null) {
          (entry.laterReceipts ??= []).push(record.received_at);
          return;
        }
        entry.received_at = record.received_at;
        entry.hops = record.hops ?? 1;
        return;
      case 'drop':
        entry.drop_reason = record.reason;
        entry.dropped_by = record.by ?? null;
        entry.refusal = record.refusal ?? null;
        if (record.reason === 'rejected') entry.rejections++;
        return;
      case 'dup':
        if (record.replay) {
          entry.replayCopies++;
          return;
        }
        entry.duplicates++;
        entry.copy_received_at ??= record.received_at;
        entry.hops ??= record.hops ?? 1;
        return;
    }
  }

  /** Per receiver, messages delivered only by a duplicate copy: nodes count those as copies, not receipts. */
  copyOnlyDeliveries(): Map<string, number> {
    const out = new Map<string, number>();
    for (const e of this.entries.values()) if (e.received_at === null && e.copy_received_at !== null && !this.attacked.get(e.id)?.forged) out.set(e.dest, (out.get(e.dest) ?? 0) + 1);
    return out;
  }

  /**
   * Per receiver, receipts no line counts: of forged messages, and a message's second and later ones
   * (replays); only those after `since` (a restarted receiver's latest process joined then).
   */
  extraReceipts(since: ReadonlyMap<string, number> = new Map()): Map<string, number> {
    const out = new Map<string, number>();
    for (const e of this.entries.values()) {
      const times = [...(this.attacked.get(e.id)?.forged && e.received_at !== null ? [e.received_at] : []), ...(e.laterReceipts ?? [])];
      const extra = times.filter((t) => t >= (since.get(e.dest) ?? -Infinity)).length;
      if (extra > 0) out.set(e.dest, (out.get(e.dest) ?? 0) + extra);
    }
    return out;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * One line per message, in send order. Undelivered messages to a node that was lost count as
   * dropped with reason `crash` (its receipt, if there was one, died with its last batch), and so
   * do those sent to a restarted node before its latest process joined (`rejoinedAt`, epoch ms);
   * other undelivered, undropped messages were in flight at stop.
   */
  lines(lostNodes: ReadonlySet<string>, rejoinedAt: ReadonlyMap<string, number> = new Map()): MessageLine[] {
    const out: MessageLine[] = [];
    for (const e of this.entries.values()) {
      if (this.attacked.get(e.id)?.forged) continue;
      const receivedAt = e.received_at ?? e.copy_received_at;
      const delivered = receivedAt !== null;
      const diedWithDest = lostNodes.has(e.dest) || e.sent_at < (rejoinedAt.get(e.dest) ?? -Infinity);
      const reason: DropReason | null = delivered ? null : (e.drop_reason ?? (diedWithDest ? 'crash' : null));
      out.push({
        id: e.id,
        src: e.src,
        dest: e.dest,
        sent_at: e.sent_at,
        received_at: receivedAt,
        delay_ms: e.delay_ms,
        latency_ms: receivedAt === null ? null : receivedAt - e.sent_at,
        status: delivered ? 'delivered' : reason !== null ? 'dropped' : 'in_flight',
        drop_reason: reason,
        // An unmarked copy that no Byzantine node sent again is counted as the network's.
        duplicates: e.duplicates + ((this.attacked.get(e.id)?.replays ?? 0) === 0 ? e.replayCopies : 0),
        hops: delivered ? e.hops : null,
        dropped_by: reason === null ? null : e.dropped_by,
        ...(reason === 'rejected' && e.refusal !== null ? { refusal: e.refusal } : {}),
        ...(e.bcast === undefined ? {} : { bcast: e.bcast, ...(e.round === undefined ? {} : { round: e.round }) }),
        ...(e.type === undefined ? {} : { type: e.type }),
        ...(e.body === undefined ? {} : { body: e.body }),
      });
    }
    return out.sort((a, b) => a.sent_at - b.sent_at || (a.id < b.id ? -1 : 1));
  }
}
