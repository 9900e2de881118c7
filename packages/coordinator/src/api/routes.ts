/**
 * The control API's endpoints: which path and method do what, every check a request must pass,
 * and the status and wire error code of each refusal. A request is checked in full before the host
 * is asked to change anything, so a refused one changes nothing.
 */
import { z } from 'zod';
import { ErrorCode, describeIssues, type FaultRecord } from '@agentnet/protocol';
import { Action, nodesNamed } from '../faults/scenario.js';
import { ApiError, FaultError } from '../errors.js';
import { LinksQuery, EmptyBody, type ApiLink, type ApiState, type ApiStopResult } from './schema.js';

/** What the API needs of the coordinator. */
export interface ControlApiHost {
  state(): ApiState;
  links(filter: LinksQuery): ApiLink[];
  /** Applies one fault now; throws FaultError, having changed nothing, when it cannot. */
  apply(action: Action): FaultRecord;
  /** Ends every fault in force. */
  reset(): FaultRecord;
  /** Ends the run now, as its duration would; a second call while it ends changes nothing. */
  stop(): ApiStopResult;
  /** What the behaviours recorded so far, in arrival order (the dashboard's feed). */
  events?(): ReadonlyArray<{ at: number; node: string; kind: string; data: Record<string, unknown> }>;
}

export interface RouteInput {
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body; undefined when the request had none. */
  body: unknown;
}

export interface RouteResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** The request changed the run (it is logged at info, reads at debug). */
  changed: boolean;
}

export interface Endpoint {
  /** `json`: a JSON body is required; `optional`: none or JSON; `none`: any body is ignored. */
  body: 'json' | 'optional' | 'none';
  run(host: ControlApiHost, input: RouteInput): RouteResult;
}

type Method = 'GET' | 'POST' | 'DELETE';

const read = (body: unknown): RouteResult => ({ status: 200, body, changed: false });
/** An endpoint without body or query parameters. */
const plain = (run: (host: ControlApiHost, input: RouteInput) => RouteResult): Endpoint => ({
  body: 'none',
  run: (host, input) => {
    noQuery(input);
    return run(host, input);
  },
});

const ROUTES: Array<{ pattern: RegExp; methods: Partial<Record<Method, Endpoint>> }> = [
  { pattern: /^\/state$/, methods: { GET: plain((host) => read(host.state())) } },
  {
    pattern: /^\/links$/,
    methods: {
      GET: {
        body: 'none',
        run: (host, input) => {
          const filter = parse(LinksQuery, Object.fromEntries(input.query), 'query');
          checkNodes(host.state(), [filter.src, filter.dest].filter((id): id is string => id !== undefined));
          return read({ links: host.links(filter) });
        },
      },
    },
  },
  {
    pattern: /^\/faults$/,
    methods: {
      GET: plain((host) => read(faultsOf(host.state()))),
      POST: { body: 'json', run: (host, input) => applied(host, parse(Action, input.body, 'body'), 201) },
      DELETE: plain((host) => applied(host, { heal: true }, 200)),
    },
  },
  { pattern: /^\/faults\/(?<name>[^/]+)$/, methods: { DELETE: plain((host, input) => applied(host, { heal: input.params.name ?? '' }, 200)) } },
  {
    pattern: /^\/reset$/,
    methods: {
      POST: {
        body: 'optional',
        run: (host, input) => {
          if (input.body !== undefined) parse(EmptyBody, input.body, 'body');
          running(host.state());
          return { status: 200, body: { fault: host.reset() }, changed: true };
        },
      },
    },
  },
  {
    pattern: /^\/stop$/,
    methods: {
      POST: {
        body: 'optional',
        run: (host, input) => {
          if (input.body !== undefined) parse(EmptyBody, input.body, 'body');
          noQuery(input);
          const { phase } = host.state();
          // Stopping is accepted once traffic runs, and again while the run ends (it is ending anyway).
          if (phase !== 'running' && phase !== 'stopping') {
            const why = phase === 'done' ? 'it has ended' : `it is ${phase}; interrupt the coordinator to give up before the start`;
            throw new ApiError(409, ErrorCode.unexpected_message, `the run can be stopped only once it is running (${why})`);
          }
          return { status: 202, body: host.stop(), changed: true };
        },
      },
    },
  },
];

/** The endpoint for `method path`; 404 for an unknown path, 405 (with Allow) for a wrong method. */
export function resolveRoute(method: string, path: string): { endpoint: Endpoint; params: Record<string, string> } {
  for (const { pattern, methods } of ROUTES) {
    const match = pattern.exec(path);
    if (!match) continue;
    const endpoint = Object.hasOwn(methods, method) ? methods[method as Method] : undefined;
    if (!endpoint) {
      const allow = Object.keys(methods).join(', ');
      throw new ApiError(405, ErrorCode.not_supported, `${method} is not allowed on ${path} (allowed: ${allow})`, allow);
    }
    const params = Object.fromEntries(Object.entries(match.groups ?? {}).map(([k, v]) => [k, safeDecode(v)]));
    return { endpoint, params };
  }
  throw new ApiError(404, ErrorCode.not_supported, `no such endpoint: ${path} (endpoints: GET /state, GET /links, GET|POST|DELETE /faults, DELETE /faults/NAME, POST /reset, POST /stop; the dashboard: GET /dashboard, GET /dashboard/stream, GET /dashboard/report, POST /dashboard/close)`);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ApiError(400, ErrorCode.malformed_request, `"${text}" is not a valid percent-encoded name`);
  }
}

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ApiError(400, ErrorCode.malformed_request, `bad ${what}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

function noQuery(input: RouteInput): void {
  const keys = [...input.query.keys()];
  if (keys.length > 0) throw new ApiError(400, ErrorCode.malformed_request, `bad query: this endpoint takes no parameters (got ${keys.join(', ')})`);
}

function faultsOf(state: ApiState) {
  return { in_force: state.in_force, history: state.history };
}

function running(state: ApiState): void {
  if (state.phase !== 'running') throw new ApiError(409, ErrorCode.unexpected_message, `faults apply only while the run is running (it is ${state.phase})`);
}

function checkNodes(state: ApiState, named: string[]): void {
  const ids = new Set(state.nodes.map((n) => n.id));
  const unknown = named.filter((id) => !ids.has(id));
  if (unknown.length === 0) return;
  const has = state.nodes.length === 0 ? 'no nodes yet' : `${state.nodes[0]?.id}..${state.nodes.at(-1)?.id}`;
  throw new ApiError(400, ErrorCode.node_not_found, `unknown node ${unknown.join(', ')} (this run has ${has})`);
}

/**
 * Applies one action after every check that does not need the timeline: the run runs, the nodes
 * exist, a healed name is in force, and a new name is not (the API refuses to replace a fault
 * silently; heal it first). What only the timeline can tell comes back as FaultError: 409.
 */
function applied(host: ControlApiHost, action: Action, status: number): RouteResult {
  const state = host.state();
  running(state);
  checkNodes(state, nodesNamed(action));
  const names = state.in_force.names;
  if (typeof action.heal === 'string' && !names.includes(action.heal)) {
    throw new ApiError(404, ErrorCode.key_does_not_exist, `nothing named "${action.heal}" to heal (in force: ${names.join(', ') || 'none'})`);
  }
  const name = action.partition?.name ?? action.link?.name;
  if (name !== undefined && names.includes(name)) {
    throw new ApiError(409, ErrorCode.key_already_exists, `"${name}" is already in force; heal it first (DELETE /faults/${encodeURIComponent(name)})`);
  }
  let fault: FaultRecord;
  try {
    fault = host.apply(action);
  } catch (err) {
    if (err instanceof FaultError) throw new ApiError(409, ErrorCode.precondition_failed, err.message);
    throw err;
  }
  // Only partitions and link faults can be addressed (healed) by name.
  const healable = fault.name !== undefined && (action.partition !== undefined || action.link !== undefined);
  const headers = healable ? { location: `/faults/${encodeURIComponent(fault.name ?? '')}` } : undefined;
  return { status, body: { fault }, changed: true, ...(headers ? { headers } : {}) };
}
