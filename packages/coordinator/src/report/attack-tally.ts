/**
 * What the Byzantine nodes' attacks came to (report.json's `security.attacks`): each attack the
 * attacker journaled, against what its destination's journal says of that message. A forged
 * message is its own entry; a replay is a second receipt (security off) or a copy refused as a
 * replay (security on) of the message it repeats; an altered message is that message.
 */
import { Attack, type AttackReport, type AttemptRecord, type RefusalCounts, type RefusalReason } from '@agentnet/protocol';

/** What the tally reads of a message's ledger entry. */
export interface AttackedEntry {
  status: 'delivered' | 'dropped' | 'in_flight';
  drop_reason: string | null;
  refusal: RefusalReason | null;
  receipts: number;
  replayCopies: number;
  rejections: number;
}

/** What the attack journal says was done to one message id. */
export interface Attacked {
  forged: boolean;
  /** Times it was sent again. */
  replays: number;
  /** Times it was altered (once per hop that altered it); counted as one altered message. */
  tampered: number;
}

type Outcome = 'delivered_undetected' | 'undelivered' | RefusalReason;

/**
 * `attempts`: the connection attacks' tries, each as its attacker journaled what the other side
 * did: accepted as genuine (delivered undetected), refused with its reason, or unanswered.
 */
export function attackReport(attacked: ReadonlyMap<string, Attacked>, entryOf: (id: string) => AttackedEntry | undefined, attempts: readonly AttemptRecord[] = []): AttackReport {
  const made = Object.fromEntries(Attack.options.map((a) => [a, 0])) as Record<Attack, number>;
  const outcomes = Object.fromEntries(Attack.options.map((a) => [a, new Map<Outcome, number>()])) as Record<Attack, Map<Outcome, number>>;
  const add = (kind: Attack, outcome: Outcome, n = 1): void => {
    if (n <= 0) return;
    outcomes[kind].set(outcome, (outcomes[kind].get(outcome) ?? 0) + n);
  };
  for (const [id, a] of attacked) {
    const entry = entryOf(id);
    if (a.forged) {
      made.forge++;
      add('forge', entry ? outcomeOf(entry) : 'undelivered');
    }
    // A message altered at several hops arrives (or is refused) once: one altered message, one outcome.
    if (a.tampered > 0) {
      made.tamper++;
      add('tamper', entry ? outcomeOf(entry) : 'undelivered');
    }
    if (a.replays > 0) {
      made.replay += a.replays;
      const landed = Math.min(a.replays, Math.max(0, (entry?.receipts ?? 0) - 1));
      const refused = Math.min(a.replays - landed, entry?.replayCopies ?? 0);
      // A replayed altered message is refused as the original was (its seal does not open); the original's own refusal is not the replay's.
      const rejections = Math.max(0, (entry?.rejections ?? 0) - ((entry?.receipts ?? 0) > 0 ? 0 : 1));
      const refusedOther = entry?.refusal ? Math.min(a.replays - landed - refused, rejections) : 0;
      add('replay', 'delivered_undetected', landed);
      add('replay', 'replayed', refused);
      if (entry?.refusal) add('replay', entry.refusal, refusedOther);
      add('replay', 'undelivered', a.replays - landed - refused - refusedOther);
    }
  }
  for (const a of attempts) {
    made[a.kind]++;
    add(a.kind, a.outcome === 'accepted' ? 'delivered_undetected' : a.outcome === 'unanswered' ? 'undelivered' : a.outcome);
  }
  const report: AttackReport = { made: {}, rejected: {}, delivered_undetected: {}, undelivered: {}, total: { made: 0, rejected: 0, delivered_undetected: 0, undelivered: 0 } };
  for (const kind of Attack.options) {
    if (made[kind] === 0) continue;
    report.made[kind] = made[kind];
    report.total.made += made[kind];
    const rejected: RefusalCounts = {};
    for (const [outcome, n] of outcomes[kind]) {
      if (outcome === 'delivered_undetected' || outcome === 'undelivered') {
        report[outcome][kind] = n;
        report.total[outcome] += n;
      } else {
        rejected[outcome] = n;
        report.total.rejected += n;
      }
    }
    if (Object.keys(rejected).length > 0) report.rejected[kind] = rejected;
  }
  return report;
}

/** A forged or altered message's fate: reached the behaviour, refused (and why), or lost on the way. */
function outcomeOf(e: AttackedEntry): Outcome {
  if (e.status === 'delivered') return 'delivered_undetected';
  if (e.status === 'dropped' && e.drop_reason === 'rejected' && e.refusal !== null) return e.refusal;
  return 'undelivered';
}
