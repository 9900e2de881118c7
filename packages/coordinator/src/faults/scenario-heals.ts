/**
 * A scenario's `heal: NAME` steps checked at load: a heal that names no partition or link fault
 * started before it would otherwise only be skipped, with a log line, when the run reaches it, and
 * the run would go on under a fault the user meant to end.
 */
/** What this check reads of a scenario step (scenario.ts's Step has these fields and more). */
export interface HealStep {
  at: number;
  every?: unknown;
  heal?: unknown;
  partition?: { name?: string | undefined } | undefined;
  link?: { name?: string | undefined } | undefined;
  /** A Byzantine node's period is named `byzantine NODE`. */
  byzantine?: { node: string } | undefined;
}

/** The faults `heal: NAME` can end, and the prefix of their default names (p1, p2, ... / l1, l2, ...). */
const HEALABLE = { partition: 'p', link: 'l' } as const satisfies Partial<Record<keyof HealStep, string>>;
type Healable = keyof typeof HEALABLE;

export interface UnknownHeal {
  /** The step's index in the file's timeline. */
  index: number;
  name: string;
  /** The names the steps before it can give, for the message. */
  known: string[];
}

/**
 * The named heals no earlier step can have started: the timeline runs in time order (steps at the
 * same time in file order), a step's first run at its `at`. A step without a name gets the next
 * default name of its kind, so `pN` is known once N unnamed partition steps came before. The fault
 * timeline's counter also skips a default name in force, which only a step naming itself so can
 * have given: such a step counts too, so that no name the run would give is refused. A repeating
 * step can give any number of them.
 */
export function unknownHeals(timeline: readonly HealStep[], fromTheStart: readonly string[] = []): UnknownHeal[] {
  const order = timeline.map((step, index) => ({ step, index })).sort((a, b) => a.step.at - b.step.at || a.index - b.index);
  const named = new Set<string>(fromTheStart);
  const count: Record<Healable, number> = { partition: 0, link: 0 };
  const unknown: UnknownHeal[] = [];
  for (const { step, index } of order) {
    for (const kind of Object.keys(HEALABLE) as Healable[]) {
      const fault = step[kind];
      if (fault === undefined) continue;
      if (fault.name !== undefined) named.add(fault.name);
      if (fault.name === undefined || isDefaultName(kind, fault.name)) count[kind] += step.every === undefined ? 1 : Infinity;
    }
    if (step.byzantine) named.add(`byzantine ${step.byzantine.node}`);
    if (typeof step.heal !== 'string') continue;
    const name = step.heal;
    const byDefault = (Object.keys(HEALABLE) as Healable[]).some((kind) => {
      const n = defaultNumber(kind, name);
      return n !== null && n <= count[kind];
    });
    if (named.has(name) || byDefault) continue;
    unknown.push({ index, name, known: knownNames(named, count) });
  }
  return unknown;
}

/** N of a default name of `kind` (`p3` -> 3), or null. */
function defaultNumber(kind: Healable, name: string): number | null {
  const m = new RegExp(`^${HEALABLE[kind]}([1-9]\\d*)$`).exec(name);
  return m ? Number(m[1]) : null;
}

function isDefaultName(kind: Healable, name: string): boolean {
  return defaultNumber(kind, name) !== null;
}

function knownNames(named: ReadonlySet<string>, count: Record<Healable, number>): string[] {
  const defaults = (Object.keys(HEALABLE) as Healable[]).flatMap((kind) => {
    const prefix = HEALABLE[kind];
    if (count[kind] === 0) return [];
    if (count[kind] === Infinity) return [`${prefix}1, ${prefix}2, ...`];
    return Array.from({ length: count[kind] }, (_, i) => `${prefix}${i + 1}`);
  });
  return [...new Set([...named, ...defaults])];
}
