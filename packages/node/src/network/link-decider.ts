/**
 * Every decision the network model makes about one message on one link: its delay, whether it is
 * lost, whether it is duplicated (and the copy's delay), whether it may overtake its predecessor.
 * Each decision comes from its own generator keyed by (seed, decision, src, dest, link seq), so the
 * same seed decides the same for the same message whatever the timing. Gilbert-Elliott loss keeps
 * a state per link, advanced once per message in sequence order, so it is just as repeatable.
 */
import { keyedRng, sampleDelay, type LinkModel } from '@agentnet/protocol';

export interface Decision {
  /** Per-link sequence number, from 1. */
  seq: number;
  delayMs: number;
  lost: boolean;
  /** The duplicate copy's delay, or null when the message is not duplicated. */
  duplicateDelayMs: number | null;
  /** The message may overtake the one before it on its link. */
  reorder: boolean;
}

export class LinkDecider {
  private seq = 0;
  private bad = false;

  constructor(
    private readonly seed: number,
    private readonly src: string,
    private readonly dest: string,
    private current: LinkModel,
    /** `data` keys stay (seed, decision, src, dest, seq); other planes add their name in front. */
    private readonly plane: 'data' | 'control' = 'data',
  ) {}

  get model(): LinkModel {
    return this.current;
  }

  /**
   * A fault changed the link's model mid-run; the sequence goes on, so later messages keep their
   * keys. A new loss model starts in its good state.
   */
  setModel(model: LinkModel): void {
    if (model.loss !== this.current.loss) this.bad = false;
    this.current = model;
  }

  private rng(decision: string, seq: number) {
    return this.plane === 'data' ? keyedRng(this.seed, decision, this.src, this.dest, seq) : keyedRng(this.seed, this.plane, decision, this.src, this.dest, seq);
  }

  next(): Decision {
    const seq = ++this.seq;
    const m = this.model;
    const delayMs = sampleDelay(m.delay, this.rng('delay', seq));
    const lost = this.lose(seq);
    const duplicated = !lost && m.duplicate > 0 && this.rng('duplicate', seq).next() < m.duplicate;
    return {
      seq,
      delayMs,
      lost,
      duplicateDelayMs: duplicated ? sampleDelay(m.delay, this.rng('duplicate-delay', seq)) : null,
      reorder: m.reorder > 0 && this.rng('reorder', seq).next() < m.reorder,
    };
  }

  private lose(seq: number): boolean {
    const loss = this.model.loss;
    if (loss.kind === 'none') return false;
    const rng = this.rng('loss', seq);
    if (loss.kind === 'bernoulli') return rng.next() < loss.p;
    const lost = rng.next() < (this.bad ? loss.loss_bad : loss.loss_good);
    const flip = rng.next();
    this.bad = this.bad ? flip >= loss.r : flip < loss.p;
    return lost;
  }
}
