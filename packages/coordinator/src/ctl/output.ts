/**
 * What `npm run ctl` prints for each control API answer: the state and the links as tables (like
 * the report's), a fault as one line. Every answer is checked against its schema first.
 */
import type { z } from 'zod';
import { describeIssues, type FaultRecord } from '@agentnet/protocol';
import { ApiFaultResult, ApiFaults, ApiLinks, ApiState, ApiStopResult, type FaultsInForce } from '../api/schema.js';
import { table } from '../report/format-report.js';
import type { CtlRequest } from './command.js';

/** The API answered something its schema does not allow (another version, or not the API at all). */
export class UnexpectedAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnexpectedAnswerError';
  }
}

const secs = (ms: number) => (ms / 1000).toFixed(2);

/** The text for a successful answer to `request`. */
export function formatAnswer(request: CtlRequest, body: unknown): string {
  const path = request.path.split('?')[0];
  if (request.method === 'GET' && path === '/state') return formatState(check(ApiState, body));
  if (request.method === 'GET' && path === '/faults') {
    const faults = check(ApiFaults, body);
    return [...inForce(faults.in_force), '', ...history(faults.history), ''].join('\n');
  }
  if (request.method === 'GET' && path === '/links') return formatLinks(check(ApiLinks, body));
  if (request.method === 'POST' && path === '/stop') {
    const stop = check(ApiStopResult, body);
    return `ending the run (asked at ${secs(stop.elapsed_ms)} s): it settles if it would, then stops and writes its report\n`;
  }
  return `${faultLine(check(ApiFaultResult, body).fault)}\n`;
}

function check<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new UnexpectedAnswerError(`unexpected answer from the control API: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

export function faultLine(f: FaultRecord): string {
  return `${f.kind} at ${secs(f.at_ms)} s: ${f.detail}`;
}

function formatState(s: ApiState): string {
  return [
    `run ${s.run_id}: seed ${s.seed}, ${s.phase}, ${secs(s.elapsed_ms)} s since start, coordinator ${s.coordinator.url} (pid ${s.coordinator.pid})`,
    '',
    ...table([
      ['node', 'pid', 'state', 'incarnation', 'paused'],
      ...s.nodes.map((n) => [n.id, String(n.pid), n.state, String(n.incarnation), n.paused ?? '']),
    ]),
    '',
    ...inForce(s.in_force),
    '',
    ...history(s.history),
    '',
  ].join('\n');
}

function inForce(f: FaultsInForce): string[] {
  const links = new Map<string, string[]>();
  for (const l of f.links) links.set(l.name, [...(links.get(l.name) ?? []), `${l.src}>${l.dest}`]);
  const rows = [
    ...f.partitions.map((p) => [p.name, 'partition', `${p.mode}, ${p.cuts.length} directed links cut`]),
    ...[...links].map(([name, on]) => [name, 'link', on.join(' ')]),
    ...f.paused.map((p) => [`pause ${p.node}`, 'pause', p.mode]),
    ...f.byzantine.map((b) => [`byzantine ${b.node}`, 'byzantine', b.attacks.join(', ')]),
  ];
  if (rows.length === 0) return ['no fault in force'];
  return table([['in force', 'kind', 'what'], ...rows]);
}

function history(faults: FaultRecord[]): string[] {
  if (faults.length === 0) return ['no fault applied yet'];
  return table([['at s', 'kind', 'detail'], ...faults.map((f) => [secs(f.at_ms), f.kind, f.detail])]);
}

function formatLinks(answer: ApiLinks): string {
  if (answer.links.length === 0) return 'no links (the nodes have not registered yet)\n';
  const rows = answer.links.map((l) => {
    const faults = [...l.partitions.map((p) => `${p.name} (${p.mode})`), ...l.link_faults].join(', ');
    const c = l.counts;
    return [`${l.src}>${l.dest}`, String(c.sent), String(c.delivered), String(c.dropped), String(c.in_flight), faults || '-', l.model_text];
  });
  return [
    ...table([['link', 'sent', 'delivered', 'dropped', 'in_flight', 'faults', 'model'], ...rows]),
    '',
    'counts so far: nodes ship their journal every 200 ms, so they lag the links a little',
    '',
  ].join('\n');
}
