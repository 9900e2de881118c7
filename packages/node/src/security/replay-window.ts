/**
 * Which of one sender's sequence numbers have arrived, for the end-to-end seal's replay check: a
 * sliding window of REPLAY_WINDOW numbers below the highest seen (IPsec's and DTLS's scheme, with a
 * wide window). The network model reorders, so a number below the highest is still new unless it
 * was seen; one more than the window below the highest cannot be told apart from a replay.
 */

/** How far behind the newest message of a sender an older one may still arrive. */
export const REPLAY_WINDOW = 65_536;

/** A sequence number that arrived: `new`, already `seen`, or too `old` to tell. */
export type Freshness = 'new' | 'seen' | 'old';

const WORDS = REPLAY_WINDOW / 32;

export class ReplayWindow {
  /** Bit (seq mod REPLAY_WINDOW) is set when seq arrived, for seq in (highest - REPLAY_WINDOW, highest]. */
  private readonly bits = new Uint32Array(WORDS);
  private highest = 0;

  check(seq: number): Freshness {
    if (seq > this.highest) {
      this.clearAbove(this.highest, seq);
      this.highest = seq;
      this.set(seq);
      return 'new';
    }
    if (this.highest - seq >= REPLAY_WINDOW) return 'old';
    if (this.has(seq)) return 'seen';
    this.set(seq);
    return 'new';
  }

  /** Clears the bits of the numbers the window slides over (from + 1 .. to): they now mean to's neighbours. */
  private clearAbove(from: number, to: number): void {
    if (to - from >= REPLAY_WINDOW) return void this.bits.fill(0);
    for (let s = from + 1; s <= to; s++) {
      const i = s % REPLAY_WINDOW;
      // A whole word at a time where the slide covers it.
      if (i % 32 === 0 && s + 31 <= to) {
        this.bits[i >>> 5] = 0;
        s += 31;
      } else this.bits[i >>> 5] = (this.bits[i >>> 5] as number) & ~(1 << (i & 31));
    }
  }

  private has(seq: number): boolean {
    const i = seq % REPLAY_WINDOW;
    return ((this.bits[i >>> 5] as number) & (1 << (i & 31))) !== 0;
  }

  private set(seq: number): void {
    const i = seq % REPLAY_WINDOW;
    this.bits[i >>> 5] = (this.bits[i >>> 5] as number) | (1 << (i & 31));
  }
}
