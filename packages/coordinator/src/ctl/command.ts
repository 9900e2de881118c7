/**
 * `npm run ctl -- <command> [options]`: turns a command line into one control API request. Only
 * the syntax is checked here (commands, flags, the shape of node lists and key=value pairs); the
 * request body is a scenario action that the API validates, so there is one place that says what
 * a valid fault is.
 */
import { parseArgs } from 'node:util';

/** A JSON object as it goes on the wire; the API checks it against `Action`. */
export type JsonObject = Record<string, unknown>;

export interface CtlRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  /** An action (`POST /faults`); absent for requests without a body. */
  body?: JsonObject;
}

export type CtlCommand =
  | { kind: 'help' }
  | {
      kind: 'request';
      request: CtlRequest;
      /** Print the API's raw JSON answer. */
      json: boolean;
      /** The API's URL (`--url`), else the run directory whose control.json names it (`--run`). */
      url: string | undefined;
      run: string;
    };

/** The command line is wrong: print the message and where the usage is, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const CTL_USAGE = `Usage: npm run ctl -- <command> [options]

Looks at and changes a running agentnet cluster through its coordinator's control API.

Commands:
  state                                   run, nodes, faults in force and so far
  links [--src N] [--dest N]              every directed link: model, faults on it, counts so far
  faults                                  faults in force and the history
  partition A,B / C,D [/ ...]             cut every link between the groups (a node in no group is cut from all)
  partition A,B '->' C                    one-way: A and B cannot reach C (also: A,B to C)
  partition --preset P [--node N]         isolate (with --node), halves, majority, bridge, ring
      [--mode drop|hold] [--name NAME]    drop (default) loses crossing messages, hold delivers them on heal
  link 'A>B' key=value ... [--both]       change links from A to B (A,B>C,D for several; also: A to B)
      [--name NAME]                       keys as --link: delay, loss, duplicate, reorder, bandwidth, queue
  heal [NAME]                             heal one partition, link fault or Byzantine node, or all of them
  crash N | restart N | resume N | stop N node faults: SIGKILL, start again, SIGCONT, SIGTERM
  pause N [--mode hold|drop]              SIGSTOP; hold: messages to it wait, drop: senders drop them
  byzantine N ATTACK[,ATTACK...]          N attacks (forge, replay, tamper, impersonate, downgrade) until heal 'byzantine N'
  reset                                   end every fault (heal, resume, restart crashed nodes)
  end                                     end the run now, as its --duration would: settle, stop, report
  help                                    this text

Options:
  --url URL     the control API (default: the one named in RUN/control.json)
  --run DIR     the run directory (default runs/latest)
  --json        print the API's JSON answer
  -h, --help    this text

Quote '>' (and '->'): the shell reads it as a redirection.
`;

const OPTIONS = {
  url: { type: 'string' },
  run: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  src: { type: 'string' },
  dest: { type: 'string' },
  mode: { type: 'string' },
  name: { type: 'string' },
  preset: { type: 'string' },
  node: { type: 'string' },
  both: { type: 'boolean' },
} as const;
type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean };

const COMMON = ['url', 'run', 'json', 'help'];
/** The options each command takes besides the common ones. */
const COMMAND_OPTIONS: Record<string, string[]> = {
  state: [],
  links: ['src', 'dest'],
  faults: [],
  partition: ['mode', 'name', 'preset', 'node'],
  link: ['both', 'name'],
  heal: [],
  crash: [],
  restart: [],
  resume: [],
  stop: [],
  pause: ['mode'],
  byzantine: [],
  reset: [],
  end: [],
  help: [],
};

export const DEFAULT_RUN = 'runs/latest';

export function parseCtl(argv: readonly string[]): CtlCommand {
  let values: Values;
  let positionals: string[];
  try {
    // `->` would read as the short options `-` and `>`.
    ({ values, positionals } = parseArgs({ args: argv.map((a) => (a === '->' ? 'to' : a)), options: OPTIONS, strict: true, allowPositionals: true }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const [command, ...args] = positionals;
  if (values.help || command === 'help') return { kind: 'help' };
  if (command === undefined) throw new UsageError('no command given');
  const allowed = COMMAND_OPTIONS[command];
  if (!Object.hasOwn(COMMAND_OPTIONS, command) || !allowed) throw new UsageError(`unknown command "${command}"`);
  const misplaced = Object.keys(values).filter((k) => !COMMON.includes(k) && !allowed.includes(k));
  if (misplaced.length > 0) throw new UsageError(`${command} does not take ${misplaced.map((k) => `--${k}`).join(', ')}`);
  return { kind: 'request', request: requestOf(command, args, values), json: values.json ?? false, url: values.url, run: values.run ?? DEFAULT_RUN };
}

function requestOf(command: string, args: string[], v: Values): CtlRequest {
  switch (command) {
    case 'state':
    case 'faults':
      none(command, args);
      return { method: 'GET', path: `/${command}` };
    case 'links': {
      none(command, args);
      const query = new URLSearchParams({ ...(v.src === undefined ? {} : { src: v.src }), ...(v.dest === undefined ? {} : { dest: v.dest }) }).toString();
      return { method: 'GET', path: query === '' ? '/links' : `/links?${query}` };
    }
    case 'reset':
      none(command, args);
      return { method: 'POST', path: '/reset' };
    // Not `stop`: `stop N` is the node fault (SIGTERM to one node), and a forgotten node must not end the run.
    case 'end':
      none(command, args);
      return { method: 'POST', path: '/stop' };
    case 'heal':
      if (args.length > 1) throw new UsageError(`heal takes at most one name (got ${args.join(' ')})`);
      return { method: 'DELETE', path: args[0] === undefined ? '/faults' : `/faults/${encodeURIComponent(args[0])}` };
    case 'partition':
      return post({ partition: partitionOf(args, v) });
    case 'link':
      return post({ link: linkOf(args, v) });
    case 'pause': {
      const node = oneNode(command, args);
      return post({ pause: v.mode === undefined ? node : { node, mode: v.mode } });
    }
    case 'byzantine': {
      const [node, attacks, ...rest] = args;
      if (node === undefined || attacks === undefined || rest.length > 0) throw new UsageError('byzantine takes a node and its attacks, e.g. byzantine n2 forge,replay');
      // The API checks the attacks against its schema, as a scenario step's.
      return post({ byzantine: { node, attacks: attacks.split(',').filter((a) => a !== '') } });
    }
    default:
      return post({ [command]: oneNode(command, args) });
  }
}

function post(body: JsonObject): CtlRequest {
  return { method: 'POST', path: '/faults', body };
}

function none(command: string, args: string[]): void {
  if (args.length > 0) throw new UsageError(`${command} takes no arguments (got ${args.join(' ')})`);
}

function oneNode(command: string, args: string[]): string {
  if (args.length !== 1 || args[0] === undefined) throw new UsageError(`${command} takes one node, e.g. ${command} n2`);
  return args[0];
}

/** `n0,n1` (or `n0, n1` split by the shell) as a list; an empty list is a usage error. */
function nodeList(text: string, what: string): string[] {
  const ids = text.split(/[\s,]+/).filter((id) => id !== '');
  if (ids.length === 0) throw new UsageError(`${what} names no node`);
  return ids;
}

function partitionOf(args: string[], v: Values): JsonObject {
  const common = { ...(v.mode === undefined ? {} : { mode: v.mode }), ...(v.name === undefined ? {} : { name: v.name }) };
  if (v.preset !== undefined) {
    if (args.length > 0) throw new UsageError(`partition --preset takes no groups (got ${args.join(' ')}); name the node with --node`);
    return { ...common, preset: v.preset, ...(v.node === undefined ? {} : { node: v.node }) };
  }
  if (v.node !== undefined) throw new UsageError('--node goes with --preset isolate');
  if (args.length === 0) throw new UsageError('partition needs groups (n0,n1 / n2,n3), a one-way cut (n0 -> n1) or --preset');
  const to = args.indexOf('to');
  if (to >= 0) {
    if (args.lastIndexOf('to') !== to) throw new UsageError('a one-way partition has one -> (or to)');
    return { ...common, from: nodeList(args.slice(0, to).join(' '), 'the side before ->'), to: nodeList(args.slice(to + 1).join(' '), 'the side after ->') };
  }
  const groups = args.join(' ').split('/');
  if (groups.length < 2) throw new UsageError(`partition needs two or more groups separated by / (got ${args.join(' ')})`);
  return { ...common, groups: groups.map((g, i) => nodeList(g, `group ${i + 1}`)) };
}

/** `'A,B>C' k=v ...` or `A,B to C k=v ...`: the links first, then the model fields. */
function linkOf(args: string[], v: Values): JsonObject {
  const firstPair = args.findIndex((a) => a.includes('='));
  const ends = firstPair < 0 ? args : args.slice(0, firstPair);
  const pairs = firstPair < 0 ? [] : args.slice(firstPair);
  const stray = pairs.find((a) => !a.includes('='));
  if (stray !== undefined) throw new UsageError(`link: "${stray}" is not key=value; name the links first, then the pairs`);
  const sides = ends.length === 1 ? (ends[0] ?? '').split('>') : ends.includes('to') ? ends.join(' ').split(/\bto\b/) : [];
  if (sides.length !== 2) throw new UsageError(`link needs its links as 'SRC>DEST' (quoted), e.g. link 'n0>n1' loss=0.5 (got ${ends.join(' ') || 'nothing'})`);
  const from = nodeList(sides[0] ?? '', 'the sending side');
  const to = nodeList(sides[1] ?? '', 'the receiving side');
  if (pairs.length === 0) throw new UsageError('link needs at least one key=value, e.g. loss=0.5 or delay=constant:100');
  const fields: JsonObject = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq);
    if (key === '' || eq === pair.length - 1) throw new UsageError(`"${pair}" is not key=value`);
    if (Object.hasOwn(fields, key)) throw new UsageError(`${key} is given twice`);
    fields[key] = pair.slice(eq + 1);
  }
  return { from, to, ...fields, ...(v.both ? { both: true } : {}), ...(v.name === undefined ? {} : { name: v.name }) };
}
