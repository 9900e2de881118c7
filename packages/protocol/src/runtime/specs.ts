/**
 * The small text languages of the CLI and config (`uniform:50:150`, `1000:3000`, `10s`), parsed by
 * zod schemas so a bad value fails with a message that names the expected form.
 */
import { z } from 'zod';

const NUMBER = /^\d+(\.\d+)?$/;

function num(text: string | undefined): number | undefined {
  return text !== undefined && NUMBER.test(text) ? Number(text) : undefined;
}

export const IntervalSpec = z.object({
  min: z.number().positive(),
  max: z.number().positive(),
});
export type IntervalSpec = z.infer<typeof IntervalSpec>;

/** Parses `MIN:MAX` or `MS` (milliseconds between two sends of one node). */
export const IntervalSpecText = z.string().transform((text, ctx): IntervalSpec => {
  const parts = text.split(':');
  const [min, max] = parts.length === 1 ? [num(parts[0]), num(parts[0])] : [num(parts[0]), num(parts[1])];
  if (parts.length <= 2 && min !== undefined && max !== undefined && min > 0 && min <= max) {
    return { min, max };
  }
  ctx.addIssue({
    code: 'custom',
    message: `interval "${text}" is not MIN:MAX or MS with 0 < MIN <= MAX (milliseconds)`,
  });
  return z.NEVER;
});

export function formatIntervalSpec(spec: IntervalSpec): string {
  return spec.min === spec.max ? `${spec.min}` : `${spec.min}:${spec.max}`;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** Parses `500ms`, `10s`, `1.5s`, `2m` into milliseconds. */
export const DurationText = z.string().transform((text, ctx): number => {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text.trim());
  const ms = match ? Math.round(Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0)) : NaN;
  if (Number.isFinite(ms) && ms >= 1) return ms;
  ctx.addIssue({ code: 'custom', message: `duration "${text}" is not like 500ms, 10s or 2m` });
  return z.NEVER;
});

/**
 * `--duration open`: traffic runs until it is stopped (the control API, the dashboard, Ctrl-C).
 * Stored as the longest time a Node timer can wait (about 24.8 days), so every "until the end of
 * the run" still has a number.
 */
export const OPEN_DURATION_MS = 2_147_483_647;

/** `--duration`: a duration, or `open`. */
export const RunDurationText = z.string().transform((text, ctx): number => {
  if (text.trim() === 'open') return OPEN_DURATION_MS;
  const r = DurationText.safeParse(text);
  if (r.success) return r.data;
  ctx.addIssue({ code: 'custom', message: `duration "${text}" is not like 500ms, 10s, 2m or open` });
  return z.NEVER;
});

/** The shortest text DurationText (or RunDurationText: `open`) reads back as the same number of milliseconds. */
export function formatDuration(ms: number): string {
  if (ms === OPEN_DURATION_MS) return 'open';
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** A run seed: a non-negative integer (printed in every report so a run can be repeated). */
export const SeedText = z
  .string()
  .regex(/^\d{1,15}$/, 'seed must be a non-negative integer')
  .transform(Number);

/** A whole number given as text, e.g. `--nodes 5`. */
export function intText(name: string, min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${name} must be between ${min} and ${max}`);
}

/**
 * A flag's text parser that also takes a number, as YAML gives `loss: 0.1`. The parser's problems
 * come back as non-fatal issues with its own messages: inside a union (a topology file's edge is a
 * pair or an object) zod passes on only non-fatal issues of the option that got past its type
 * check, and would otherwise hide `delay "constant:fast" is not ...` behind "invalid input".
 */
export function flagText<T>(schema: z.ZodType<T, string>) {
  return z.union([z.number(), z.string()]).transform((value, ctx): T => {
    const parsed = schema.safeParse(String(value));
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, continue: true });
    return z.NEVER;
  });
}

/** Orders node ids by their number (n2 before n10), then as text. */
export function compareNodeIds(a: string, b: string): number {
  return Number(a.slice(1)) - Number(b.slice(1)) || (a < b ? -1 : a > b ? 1 : 0);
}
