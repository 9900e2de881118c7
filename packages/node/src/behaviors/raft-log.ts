/**
 * A Raft log (Ongaro & Ousterhout 2014, figure 2) holding key-value writes: 1-based indexes, the
 * AppendEntries consistency check with conflict truncation, and the "at least as up-to-date"
 * comparison a voter makes (§5.4.1). No timers or messages, so the rules are tested on their own.
 * With a durable list behind it (node.storage), every change is on stable storage before the call
 * that made it returns, so a server answers only for entries a crash cannot take back.
 */
import type { DurableList } from '../api/node-storage.js';
import type { z } from 'zod';
import { RaftEntrySchema } from './raft-messages.js';

/** One operation in the log, with the term of the leader that appended it (see RaftEntrySchema). */
export type RaftEntry = z.infer<typeof RaftEntrySchema>;

/** What an AppendEntries did to this log. */
export type AcceptResult =
  /** The log matched at prevIndex: `lastNew` is the index of the last entry the message carried (prevIndex if none); `truncatedFrom` the first index dropped for a conflict, if any. */
  | { ok: true; lastNew: number; truncatedFrom: number | undefined }
  /** The log did not match at prevIndex; the leader should retry from `hint` (an index where this log may still match). */
  | { ok: false; hint: number };

export class RaftLog {
  /** entries[i - 1] is the entry at index i. */
  private readonly entries: RaftEntry[] = [];

  /** `store`: where the entries live across restarts; what it holds is this log's start. */
  constructor(private readonly store?: DurableList) {
    if (store) for (const item of store.items()) this.entries.push(RaftEntrySchema.parse(item));
  }

  get lastIndex(): number {
    return this.entries.length;
  }

  get lastTerm(): number {
    return this.termAt(this.lastIndex) ?? 0;
  }

  /** The term at `index`: 0 for index 0 (before the first entry), undefined past the end. */
  termAt(index: number): number | undefined {
    if (index === 0) return 0;
    return this.entries[index - 1]?.term;
  }

  entry(index: number): RaftEntry | undefined {
    return index >= 1 ? this.entries[index - 1] : undefined;
  }

  /** A leader appends a new write; returns its index. */
  append(entry: RaftEntry): number {
    this.store?.append(entry);
    this.entries.push(entry);
    return this.entries.length;
  }

  /** Up to `max` entries from `index` on, for an AppendEntries. */
  from(index: number, max: number): RaftEntry[] {
    return this.entries.slice(Math.max(0, index - 1), Math.max(0, index - 1) + max);
  }

  /**
   * A follower's AppendEntries rule (figure 2, receiver steps 2-4): refuse unless the entry at
   * prevIndex has prevTerm; then delete an existing entry that conflicts with a new one (same
   * index, other term) and everything after it, and append what is missing. Entries that already
   * match are kept, not rewritten: a late, reordered AppendEntries that carries fewer entries must
   * not cut off entries a newer one appended.
   */
  accept(prevIndex: number, prevTerm: number, entries: readonly RaftEntry[]): AcceptResult {
    const here = this.termAt(prevIndex);
    if (here === undefined) return { ok: false, hint: this.lastIndex + 1 };
    if (here !== prevTerm) return { ok: false, hint: this.firstIndexOfTerm(prevIndex) };
    let truncatedFrom: number | undefined;
    const added: RaftEntry[] = [];
    entries.forEach((e, k) => {
      const index = prevIndex + 1 + k;
      const existing = this.termAt(index);
      if (existing !== undefined && existing !== e.term) {
        // Once cut, every later index is past the end: this happens at most once per call.
        this.store?.truncate(index - 1);
        this.entries.length = index - 1;
        truncatedFrom ??= index;
      }
      if (index > this.lastIndex) added.push({ ...e });
    });
    if (added.length > 0) {
      this.store?.append(...added);
      this.entries.push(...added);
    }
    return { ok: true, lastNew: prevIndex + entries.length, truncatedFrom };
  }

  /**
   * Whether a candidate whose log ends at (lastIndex, lastTerm) is at least as up-to-date as this
   * log: a later last term wins, and with the same last term the longer log (§5.4.1).
   */
  candidateIsUpToDate(lastIndex: number, lastTerm: number): boolean {
    return lastTerm > this.lastTerm || (lastTerm === this.lastTerm && lastIndex >= this.lastIndex);
  }

  /**
   * The first index of the term at `index`: on a mismatch the leader skips the whole conflicting
   * term in one round trip instead of one entry per round trip (§5.3, the optimisation it sketches).
   */
  private firstIndexOfTerm(index: number): number {
    const term = this.termAt(index);
    let i = index;
    while (i > 1 && this.termAt(i - 1) === term) i--;
    return i;
  }
}
