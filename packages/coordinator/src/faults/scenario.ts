/**
 * Scenario files (`--scenario file.yaml|json`): a timeline of faults applied to the running
 * cluster. Validated by one zod schema, which is also exported as JSON Schema
 * (docs/scenario.schema.json); a bad file gets an error naming the path, the line and the problem.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import {
  Attack,
  BandwidthText,
  ByzantineText,
  DelaySpecText,
  LinkOverrideText,
  LossText,
  NodeId,
  PartitionMode,
  PauseMode,
  ProbabilityText,
  QueueText,
  RoutingProtocolName,
  cutsBetweenGroups,
  flagText,
  type FaultKind,
  type LinkOverride,
  type Partition,
} from '@agentnet/protocol';
import { unknownHeals } from './scenario-heals.js';
import { TopologyEdges } from '../topology/topology-file.js';
import { TopologyText } from '../topology/topology-spec.js';

/** `2s`, `500ms`, `1.5s` or a number of milliseconds; 0 is allowed (at the start). */
const At = z.union([
  z.number().nonnegative(),
  z.string().transform((text, ctx) => {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text.trim());
    if (m) return Math.round(Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000 }[m[2] as 'ms' | 's' | 'm']));
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a time like 500ms, 2s or 1m` });
    return z.NEVER;
  }),
]);

export const PartitionPreset = z.enum(['isolate', 'halves', 'majority', 'bridge', 'ring']);

export const PartitionStep = z
  .strictObject({
    name: z.string().min(1).optional().describe('name for a later `heal: NAME`; default p1, p2, ...'),
    mode: PartitionMode.default('drop').describe('drop: lost (reason partition); hold: kept and delivered on heal'),
    groups: z.array(z.array(NodeId).min(1)).min(2).optional().describe('custom groups; links between groups are cut both ways'),
    preset: PartitionPreset.optional().describe('isolate (with node), halves, majority, bridge (Jepsen), ring (only ring neighbours stay linked)'),
    node: NodeId.optional().describe('the node `isolate` cuts off'),
    from: z.array(NodeId).min(1).optional().describe('one-way: cut from these nodes...'),
    to: z.array(NodeId).min(1).optional().describe('...to these nodes, the other direction stays open'),
    both: z.boolean().optional().describe('with from/to: cut the other direction too (the links between two sets of nodes)'),
  })
  .superRefine((p, ctx) => {
    const kinds = [p.groups && 'groups', p.preset && 'preset', (p.from || p.to) && 'from/to'].filter(Boolean);
    if (kinds.length !== 1) ctx.addIssue({ code: 'custom', message: `a partition needs exactly one of groups, preset, from/to (got ${kinds.join(', ') || 'none'})` });
    if ((p.from === undefined) !== (p.to === undefined)) ctx.addIssue({ code: 'custom', message: 'a one-way partition needs both from and to' });
    if (p.preset === 'isolate' && !p.node) ctx.addIssue({ code: 'custom', message: 'preset isolate needs node' });
  });


/** The link model's fields in their flag forms (`--delay`, `--loss`, ...). */
const LINK_FIELDS = {
  delay: flagText(DelaySpecText).optional().describe('delay distribution, as --delay: constant:MS, uniform:MIN:MAX, normal:MEAN:SD, ...'),
  loss: flagText(LossText).optional().describe('P or ge:P:R:LOSS_GOOD:LOSS_BAD, as --loss'),
  duplicate: flagText(ProbabilityText).optional().describe('probability of a second delivery'),
  reorder: flagText(ProbabilityText).optional().describe('probability that a message may overtake its predecessor'),
  bandwidth: flagText(BandwidthText).optional().describe('bytes per second: 125000, 64k, 10m, none'),
  queue: flagText(QueueText).optional().describe('bytes a link may queue at its sender before overflow drops: 16m, 64k, none'),
};
const MODEL_KEYS = Object.keys(LINK_FIELDS) as Array<keyof typeof LINK_FIELDS>;

/** Links from every node of `from` to every node of `to` (and back with `both`) get these fields. */
export const LinkStep = z
  .strictObject({
    name: z.string().min(1).optional().describe('name for a later `heal: NAME`; default l1, l2, ...'),
    from: z.array(NodeId).min(1).describe('senders'),
    to: z.array(NodeId).min(1).describe('receivers'),
    both: z.boolean().default(false).describe('also the links from `to` back to `from`'),
    ...LINK_FIELDS,
  })
  .refine((l) => MODEL_KEYS.some((k) => l[k] !== undefined), `a link needs at least one of ${MODEL_KEYS.join(', ')}`);
export type LinkStep = z.infer<typeof LinkStep>;

/** The directed links a link step or `links:` entry covers, each with the step's model fields. */
export function linkOverridesOf(step: LinkStep): LinkOverride[] {
  const fields = Object.fromEntries(MODEL_KEYS.filter((k) => step[k] !== undefined).map((k) => [k, step[k]]));
  const pairs = step.from.flatMap((a) => step.to.map((b): [string, string] => [a, b]));
  const all = step.both ? [...pairs, ...pairs.map(([a, b]): [string, string] => [b, a])] : pairs;
  const seen = new Set<string>();
  return all.filter(([a, b]) => a !== b && !seen.has(`${a}>${b}`) && seen.add(`${a}>${b}`)).map(([src, dest]) => ({ src, dest, ...fields }));
}

/**
 * A crash or restart target resolved when the step runs, not a node id: the node whose `leader`
 * event has the highest term (or epoch), as Jepsen's nemesis can target the primary.
 */
export const LEADER_TARGET = 'leader';

/** `n2=forge,replay` as `--byzantine` takes it, or `{node: n2, attacks: [forge, replay]}`. */
export const ByzantineStep = z.union([ByzantineText, z.strictObject({ node: NodeId, attacks: z.array(Attack).min(1) })]);

export const PauseStep = z.union([NodeId, z.strictObject({ node: NodeId, mode: PauseMode.default('hold') })]);

/** What a step (or a control API request) does: exactly one of these. */
const ACTIONS = {
  partition: PartitionStep.optional(),
  heal: z.union([z.literal(true), z.string()]).optional().describe('true heals every partition and link fault; a name heals that one'),
  link: LinkStep.optional().describe('change the model of some links until healed'),
  crash: NodeId.optional().describe(`kill the node (SIGKILL); it is lost until a restart. "${LEADER_TARGET}" kills the node that leads now (from the behaviour's leader events)`),
  restart: NodeId.optional().describe(`start the node again under the same id (killing it first if it runs); it gets init again and its peers link to it. "${LEADER_TARGET}" restarts the node the last "crash: ${LEADER_TARGET}" killed`),
  pause: PauseStep.optional().describe('freeze the node (SIGSTOP) until resume; mode hold (default): messages to it wait in the sockets; drop: senders drop them (reason paused)'),
  resume: NodeId.optional().describe('continue a paused node (SIGCONT)'),
  stop: NodeId.optional().describe('stop the node gracefully (SIGTERM): it drains and sends its final flush'),
  byzantine: ByzantineStep.optional().describe(`turn the node into an attacker until "heal: byzantine NODE" (docs/security.md): NODE=ATTACK[,ATTACK…] or {node, attacks}; attacks ${Attack.options.join(', ')}`),
  // Every kind of fault but reset (the end of every fault, not a step) is a step's action.
} satisfies Record<Exclude<FaultKind, 'reset'>, z.ZodType>;
/** What a step can do; node faults signal the node's process, so they need it on this host. */
export const STEP_ACTIONS = Object.keys(ACTIONS) as Array<keyof typeof ACTIONS>;

function exactlyOneAction(s: Partial<Record<(typeof STEP_ACTIONS)[number], unknown>>, ctx: z.RefinementCtx): void {
  const actions = STEP_ACTIONS.filter((a) => s[a] !== undefined);
  if (actions.length !== 1) ctx.addIssue({ code: 'custom', message: `a step needs exactly one of ${STEP_ACTIONS.join(', ')} (got ${actions.join(', ') || 'none'})` });
}

/** One fault to apply now (the control API's body). */
export const Action = z.strictObject(ACTIONS).superRefine(exactlyOneAction);
export type Action = z.infer<typeof Action>;

export const Step = z
  .strictObject({
    at: At.describe('time after the start of traffic'),
    every: At.refine((ms) => ms >= 10, 'every must be at least 10ms').optional().describe('repeat the step at this interval until the run ends (or until)'),
    until: At.optional().describe('last time a repeating step may run'),
    ...ACTIONS,
  })
  .superRefine(exactlyOneAction);

export type Step = z.infer<typeof Step>;

export const ScenarioFile = z.strictObject({
  description: z.string().optional(),
  topology: z
    .union([TopologyText, TopologyEdges])
    .optional()
    .describe('who links to whom: a --topology form (ring, grid, random:0.2, ...) or {edges: [[n0, n1], {from, to, delay, loss}]}; --topology wins'),
  network: z.strictObject(LINK_FIELDS).optional().describe('the default link model; flags given on the command line win'),
  links: z
    .array(z.union([LinkOverrideText, LinkStep]))
    .optional()
    .describe('per-link overrides: "SRC>DEST key=value ..." as --link, or {from, to, both, delay, loss, ...}'),
  routing: z
    .union([RoutingProtocolName, z.strictObject({ protocol: RoutingProtocolName, interval: At.optional(), ttl: z.number().int().min(1).max(10_000).optional() })])
    .optional()
    .describe('multi-hop routing: distance-vector or link-state, or {protocol, interval, ttl}; --routing wins'),
  timeline: z.array(Step).default([]).describe('steps, applied in time order'),
});
export type ScenarioFile = z.infer<typeof ScenarioFile>;

/** The scenario's per-link overrides, one per directed link. */
export function scenarioLinks(scenario: ScenarioFile | undefined): LinkOverride[] {
  return (scenario?.links ?? []).flatMap((l) => ('src' in l ? [l] : linkOverridesOf(l)));
}

/** Every node id an action names, to check against the run's nodes. */
export function nodesNamed(a: Action | Step): string[] {
  const p = a.partition;
  return [
    ...(p?.groups?.flat() ?? []),
    ...(p?.from ?? []),
    ...(p?.to ?? []),
    ...(p?.node ? [p.node] : []),
    ...(a.link ? [...a.link.from, ...a.link.to] : []),
    ...(a.pause === undefined ? [] : [typeof a.pause === 'string' ? a.pause : a.pause.node]),
    ...[a.crash, a.restart].filter((id): id is string => id !== undefined && id !== LEADER_TARGET),
    ...[a.resume, a.stop, a.byzantine?.node].filter((id): id is string => id !== undefined),
  ];
}

export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

/**
 * A union's own message is only "Invalid input"; what its branches said names the problem (a
 * time that is not a time, a topology that is no topology form). A branch's own check wins over
 * the type mismatches of the other branches.
 */
function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue.message;
  const inner = issue.errors.flat();
  const custom = inner.find((i) => i.code === 'custom' || i.code === 'invalid_union');
  if (custom) return `${custom.path.length > 0 ? `${custom.path.join('.')}: ` : ''}${messageOf(custom)}`;
  return [...new Set(inner.map((i) => i.message))].join('; or ');
}

/**
 * Reads and checks a scenario file against the run's node ids; every problem names its line.
 * `fromTheStart`: faults the command line starts (`--byzantine`), which its heals may name.
 */
export function loadScenario(path: string, nodeIds: readonly string[], fromTheStart: readonly string[] = []): ScenarioFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ScenarioError(`cannot read scenario ${path}: ${(err as Error).message}`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new ScenarioError(`${path}:${e?.linePos?.[0]?.line ?? '?'}: ${e?.message.split('\n')[0]}`);
  }
  const where = (at: PropertyKey[]) => {
    const node = doc.getIn(at.filter((k): k is string | number => typeof k !== 'symbol'), true) as { range?: [number] } | undefined;
    const line = node?.range ? lines.linePos(node.range[0]).line : undefined;
    return `${path}${line === undefined ? '' : `:${line}`} (${at.join('.') || 'top'})`;
  };
  const parsed = ScenarioFile.safeParse(doc.toJS());
  if (!parsed.success) throw new ScenarioError(parsed.error.issues.map((i) => `${where(i.path)}: ${messageOf(i)}`).join('\n'));
  const known = new Set(nodeIds);
  const check = (named: string[], at: PropertyKey[]) => {
    const unknown = named.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new ScenarioError(`${where(at)}: unknown node ${unknown.join(', ')} (this run has ${nodeIds[0]}..${nodeIds.at(-1)})`);
  };
  (parsed.data.links ?? []).forEach((l, i) => check('src' in l ? [l.src, l.dest] : [...l.from, ...l.to], ['links', i]));
  parsed.data.timeline.forEach((step, i) => check(nodesNamed(step), ['timeline', i, STEP_ACTIONS.find((a) => step[a] !== undefined) ?? 'at']));
  const heal = unknownHeals(parsed.data.timeline, fromTheStart)[0];
  if (heal) {
    const known = heal.known.length > 0 ? `faults named before it: ${heal.known.join(', ')}` : 'no partition or link step comes before it';
    throw new ScenarioError(`${where(['timeline', heal.index, 'heal'])}: heal "${heal.name}" names no fault an earlier step starts (${known})`);
  }
  return parsed.data;
}

/**
 * The timeline with repeating steps (`every`) written out up to `durationMs` (or their `until`):
 * a step at 1s every 3s in a 10 s run runs at 1, 4 and 7 s.
 */
export function expandTimeline(timeline: readonly Step[], durationMs: number): Step[] {
  const out: Step[] = [];
  for (const step of timeline) {
    const { every, until, ...once } = step;
    if (every === undefined) {
      out.push(step);
      continue;
    }
    const last = Math.min(until ?? Infinity, durationMs - 1);
    for (let at = step.at; at <= last; at += every) out.push({ ...once, at });
  }
  return out.sort((a, b) => a.at - b.at);
}

/** The directed cuts a partition step makes among `ids`. */
export function partitionOf(step: NonNullable<Step['partition']>, name: string, ids: readonly string[]): Partition {
  const n = ids.length;
  let cuts: Array<[string, string]>;
  if (step.from && step.to) {
    cuts = step.from.flatMap((a) => (step.to ?? []).filter((b) => b !== a).map((b): [string, string] => [a, b]));
    if (step.both) cuts = [...cuts, ...cuts.map(([a, b]): [string, string] => [b, a])];
  } else if (step.groups) {
    cuts = cutsBetweenGroups(step.groups, ids);
  } else if (step.preset === 'isolate') {
    cuts = cutsBetweenGroups([[step.node ?? ''], ids.filter((id) => id !== step.node)], ids);
  } else if (step.preset === 'halves' || step.preset === 'majority') {
    const k = step.preset === 'halves' ? Math.floor(n / 2) : Math.floor(n / 2) + 1;
    cuts = cutsBetweenGroups([ids.slice(0, k), ids.slice(k)], ids);
  } else if (step.preset === 'bridge') {
    // Jepsen's bridge: two halves that cannot reach each other, and the middle node (left out of
    // both) that still reaches everyone.
    const left = ids.slice(0, Math.floor(n / 2));
    const right = ids.slice(Math.floor(n / 2) + 1);
    cuts = [...left.flatMap((a) => right.map((b): [string, string] => [a, b])), ...right.flatMap((a) => left.map((b): [string, string] => [a, b]))];
  } else {
    // ring: every node keeps only its two ring neighbours.
    const index = new Map(ids.map((id, i) => [id, i]));
    cuts = [];
    for (const a of ids) {
      for (const b of ids) {
        const d = Math.abs((index.get(a) ?? 0) - (index.get(b) ?? 0));
        if (a !== b && d !== 1 && d !== n - 1) cuts.push([a, b]);
      }
    }
  }
  return { name, mode: step.mode, cuts };
}

/** The scenario file's JSON Schema, as committed in docs/scenario.schema.json. */
export function scenarioJsonSchema(): string {
  const schema = z.toJSONSchema(ScenarioFile, { io: 'input' });
  return `${JSON.stringify({ title: 'agentnet scenario file', ...schema }, null, 2)}\n`;
}
