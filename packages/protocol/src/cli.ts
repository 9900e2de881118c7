/**
 * Command-line parsing shared by the entry points: `util.parseArgs` for the syntax (unknown flags
 * are errors), then a zod schema for the values, so every bad flag gets one clear message.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { describeIssues } from './codec.js';
import { LOG_LEVELS } from './log-sink.js';

export type FlagSpec = NonNullable<ParseArgsConfig['options']>;

export interface FlagHelp {
  flag: string;
  help: string;
}

/** `given`: the flags set on the command line or from the environment (not defaulted). */
export type CliResult<T> = { ok: true; value: T; help: boolean; given: ReadonlySet<string> } | { ok: false; error: string };

/**
 * Parses `argv` against `flags`, fills unset flags from `env` (flag name -> variable name), and
 * validates the result with `schema`.
 */
export function parseCli<S extends z.ZodType>(
  argv: string[],
  flags: FlagSpec,
  schema: S,
  env: Record<string, string> = {},
  environment: NodeJS.ProcessEnv = {},
): CliResult<z.infer<S>> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: argv, options: { ...flags, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }));
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  if (values.help) return { ok: true, value: undefined as z.infer<S>, help: true, given: new Set() };
  for (const [flag, variable] of Object.entries(env)) {
    const fromEnv = environment[variable];
    if (values[flag] === undefined && fromEnv !== undefined && fromEnv !== '') values[flag] = fromEnv;
  }
  const parsed = schema.safeParse(values);
  if (!parsed.success) return { ok: false, error: describeIssues(parsed.error) };
  return { ok: true, value: parsed.data, help: false, given: new Set(Object.keys(values).filter((k) => values[k] !== undefined)) };
}

export function formatUsage(command: string, summary: string, help: FlagHelp[]): string {
  const width = Math.max(...help.map((h) => h.flag.length)) + 2;
  return [`Usage: ${command}`, '', summary, '', 'Options:', ...help.map((h) => `  ${h.flag.padEnd(width)}${h.help}`), `  ${'-h, --help'.padEnd(width)}show this help`, ''].join('\n');
}

/**
 * What an entry point prints for a bad command line: the error and where the usage is, not the
 * usage itself, whose 45 lines would push the one line that matters off the screen.
 */
export function formatCliError(error: string, command: string): string {
  return `error: ${error}\nrun \`${command} --help\` for the options\n`;
}

export const LogLevelText = z.enum(LOG_LEVELS);

/** A TCP port given as text; 0 asks the OS for a free one. */
export const PortText = z
  .string()
  .regex(/^\d+$/, 'port must be a whole number')
  .transform(Number)
  .refine((n) => n >= 0 && n <= 65535, 'port must be between 0 and 65535');
