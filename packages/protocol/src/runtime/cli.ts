/**
 * Command-line parsing shared by the entry points: `util.parseArgs` for the syntax (unknown flags
 * are errors), then a zod schema for the values, so every bad flag gets one clear message.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { describeIssues } from '../wire/codec.js';
import { LOG_LEVELS } from './log-sink.js';

export type FlagSpec = NonNullable<ParseArgsConfig['options']>;

export interface FlagHelp {
  flag: string;
  help: string;
}

/**
 * One flag, declared once: what its value must be (the schema, with its default), its line in the
 * usage, and how util.parseArgs reads it. The parser's options, the usage and the parsed type all
 * derive from a table of these.
 */
export interface Flag<S extends z.ZodType = z.ZodType> {
  schema: S;
  help: string;
  /** The value's placeholder in the usage (`N`, `T`); none for a switch, a boolean flag. */
  arg?: string;
  short?: string;
  /** Repeatable: every occurrence is kept, in order. */
  multiple?: true;
  /** The environment variable that sets it when the command line does not (containers). */
  env?: string;
}

export type FlagTable = Record<string, Flag>;

/** util.parseArgs's options for a table. */
export function flagSpec(table: FlagTable): FlagSpec {
  return Object.fromEntries(
    Object.entries(table).map(([name, f]) => [name, { type: f.arg === undefined ? 'boolean' : 'string', ...(f.short ? { short: f.short } : {}), ...(f.multiple ? { multiple: true } : {}) }]),
  ) as FlagSpec;
}

/** The usage lines of a table, in its order. */
export function flagHelp(table: FlagTable): FlagHelp[] {
  return Object.entries(table).map(([name, f]) => ({ flag: `${f.short ? `-${f.short}, ` : ''}--${name}${f.arg === undefined ? '' : ` ${f.arg}`}`, help: f.help }));
}

/** Flag name -> environment variable, for the flags a variable can set. */
export function flagEnv(table: FlagTable): Record<string, string> {
  return Object.fromEntries(Object.entries(table).flatMap(([name, f]) => (f.env === undefined ? [] : [[name, f.env]])));
}

/** The zod object of a table's values: its type is the parsed flags' type. */
export function flagSchema<T extends FlagTable>(table: T): z.ZodObject<{ [K in keyof T]: T[K]['schema'] }> {
  return z.object(Object.fromEntries(Object.entries(table).map(([name, f]) => [name, f.schema])) as { [K in keyof T]: T[K]['schema'] });
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
