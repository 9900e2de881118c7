/**
 * The `--param KEY=VALUE` settings each built-in behaviour takes, one zod schema per built-in. The
 * launcher and the coordinator check a run's params against it before any process starts, and the
 * node reads them through the same schema, so the two can never disagree about what is valid.
 * A behaviour module's params are its own business and are not checked here.
 */
import { z } from 'zod';
import type { TrafficKind } from '../wire/control-messages.js';
import { parseMsRange } from '../network/distributions.js';

const MsRangeText = z.string().transform((text, ctx) => {
  const range = parseMsRange(text);
  if (range) return range;
  ctx.addIssue({ code: 'custom', message: 'expected MIN:MAX in ms with MIN < MAX' });
  return z.NEVER;
});

const PositiveIntText = z
  .string()
  .regex(/^\d+$/, 'expected a whole number above 0')
  .transform(Number)
  .refine((n) => n >= 1, 'expected a whole number above 0');

/** Raft's settings: election timeouts, heartbeat period, the built-in writers' writes/s per node. */
export const RaftParams = z.strictObject({
  election_ms: MsRangeText.optional(),
  heartbeat_ms: PositiveIntText.optional(),
  rate: PositiveIntText.optional(),
});
export type RaftParams = z.infer<typeof RaftParams>;

/** No settings at all: any `--param` is a mistake. */
const NoParams = z.strictObject({});

export type BuiltinBehavior = Exclude<TrafficKind, 'module'>;

/** The params of every built-in, by `--behavior` name. */
export const BUILTIN_PARAMS = {
  chatter: NoParams,
  flood: NoParams,
  broadcast: NoParams,
  bully: NoParams,
  'reliable-broadcast': NoParams,
  raft: RaftParams,
} as const satisfies Record<BuiltinBehavior, z.ZodObject>;

export type BehaviorParamsResult<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Checks a built-in's params; the error is one line naming the param and what it should be, or
 * the params the behaviour knows when it does not know one.
 */
export function parseBehaviorParams<K extends BuiltinBehavior>(kind: K, params: Readonly<Record<string, string>>): BehaviorParamsResult<z.infer<(typeof BUILTIN_PARAMS)[K]>> {
  const schema: z.ZodObject = BUILTIN_PARAMS[kind];
  const parsed = schema.safeParse(params);
  if (parsed.success) return { ok: true, value: parsed.data as z.infer<(typeof BUILTIN_PARAMS)[K]> };
  const known = Object.keys(schema.shape);
  const problems = parsed.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const given = issue.keys.map((k) => `--param ${k}=${params[k] ?? ''}`).join(', ');
      return known.length === 0 ? `${given}: ${kind} takes no --param` : `${given}: ${kind} has no such param (its params: ${known.join(', ')})`;
    }
    const key = String(issue.path[0]);
    return `--param ${key}=${params[key] ?? ''}: ${issue.message}`;
  });
  return { ok: false, error: problems.join('; ') };
}
