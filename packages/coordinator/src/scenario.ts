/**
 * Scenario files (`--scenario file.yaml|json`): a timeline of faults applied to the running
 * cluster. Validated by one zod schema, which is also exported as JSON Schema
 * (docs/scenario.schema.json); a bad file gets an error naming the path, the line and the problem.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { NodeId, PartitionMode, cutsBetweenGroups, type Partition } from '@agentnet/protocol';

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
  })
  .superRefine((p, ctx) => {
    const kinds = [p.groups && 'groups', p.preset && 'preset', (p.from || p.to) && 'from/to'].filter(Boolean);
    if (kinds.length !== 1) ctx.addIssue({ code: 'custom', message: `a partition needs exactly one of groups, preset, from/to (got ${kinds.join(', ') || 'none'})` });
    if ((p.from === undefined) !== (p.to === undefined)) ctx.addIssue({ code: 'custom', message: 'a one-way partition needs both from and to' });
    if (p.preset === 'isolate' && !p.node) ctx.addIssue({ code: 'custom', message: 'preset isolate needs node' });
  });

export const Step = z
  .strictObject({
    at: At.describe('time after the start of traffic'),
    every: At.refine((ms) => ms >= 10, 'every must be at least 10ms').optional().describe('repeat the step at this interval until the run ends (or until)'),
    until: At.optional().describe('last time a repeating step may run'),
    partition: PartitionStep.optional(),
    heal: z.union([z.literal(true), z.string()]).optional().describe('true heals every partition; a name heals that one'),
    crash: NodeId.optional().describe('kill the node (SIGKILL); it is reported lost'),
    pause: NodeId.optional().describe('freeze the node (SIGSTOP) until resume; messages to it wait in the sockets'),
    resume: NodeId.optional().describe('continue a paused node (SIGCONT)'),
    stop: NodeId.optional().describe('stop the node gracefully (SIGTERM): it drains and sends its final flush'),
  })
  .superRefine((s, ctx) => {
    const actions = STEP_ACTIONS.filter((a) => s[a] !== undefined);
    if (actions.length !== 1) ctx.addIssue({ code: 'custom', message: `a step needs exactly one of ${STEP_ACTIONS.join(', ')} (got ${actions.join(', ') || 'none'})` });
  });

/** What a step can do; node faults signal the node's process, so they need it on this host. */
export const STEP_ACTIONS = ['partition', 'heal', 'crash', 'pause', 'resume', 'stop'] as const;
export const NODE_FAULT_SIGNALS = { crash: 'SIGKILL', pause: 'SIGSTOP', resume: 'SIGCONT', stop: 'SIGTERM' } as const;
export type Step = z.infer<typeof Step>;

export const ScenarioFile = z.strictObject({
  description: z.string().optional(),
  timeline: z.array(Step).describe('steps, applied in time order'),
});
export type ScenarioFile = z.infer<typeof ScenarioFile>;

export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

/** Reads and checks a scenario file against the run's node ids; every problem names its line. */
export function loadScenario(path: string, nodeIds: readonly string[]): ScenarioFile {
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
  if (!parsed.success) throw new ScenarioError(parsed.error.issues.map((i) => `${where(i.path)}: ${i.message}`).join('\n'));
  const known = new Set(nodeIds);
  parsed.data.timeline.forEach((step, i) => {
    const p = step.partition;
    const named = [
      ...(p?.groups?.flat() ?? []),
      ...(p?.from ?? []),
      ...(p?.to ?? []),
      ...(p?.node ? [p.node] : []),
      ...[step.crash, step.pause, step.resume, step.stop].filter((id): id is string => id !== undefined),
    ];
    const unknown = named.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new ScenarioError(`${where(['timeline', i, p ? 'partition' : 'at'])}: unknown node ${unknown.join(', ')} (this run has ${nodeIds[0]}..${nodeIds.at(-1)})`);
  });
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
