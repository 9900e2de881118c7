/**
 * `shiviz.log`: the run in ShiViz's input format (https://bestchai.bitbucket.io/shiviz/), to open
 * there as a file: its first line is the regular expression that parses each event, its second the
 * (empty) delimiter of several executions, then one line per event: the node, its vector clock as
 * JSON, and what happened (`send n0-4 chatter to n2`, `receive n0-4 chatter from n0`).
 */
import type { MessageLine } from '@agentnet/protocol';
import type { SpaceTimeEvent } from './space-time.js';

export const SHIVIZ_FILE = 'shiviz.log';

/** ShiViz's named groups: the node, its clock (a flat JSON object), the event's text. */
export const SHIVIZ_REGEX = String.raw`(?<host>\S+) (?<clock>\{[^}]*\}) (?<event>.*)`;

/** The file's first two lines. */
export const shivizHeader = (): string => `${SHIVIZ_REGEX}\n\n`;

/** One event's line, without its newline. */
export function shivizLine(e: SpaceTimeEvent): string {
  return `${e.host} ${JSON.stringify(e.clock)} ${eventText(e)}`;
}

function eventText(e: SpaceTimeEvent): string {
  const m = e.line;
  // A type is the behaviour's word: no control character may break the line.
  const type = (m.type ?? 'message').replace(/[\u0000-\u001f\u007f]/g, '?');
  if (e.kind === 'receive') return `receive ${m.id} ${type} from ${m.src} (${round(m.latency_ms ?? 0)} ms, ${m.hops ?? 1} ${m.hops === 1 || m.hops === null ? 'hop' : 'hops'})`;
  return `send ${m.id} ${type} to ${m.dest}${fate(m)}`;
}

function fate(m: MessageLine): string {
  if (m.status === 'dropped') return `, dropped: ${m.drop_reason ?? 'unknown'}${m.dropped_by ? ` at ${m.dropped_by}` : ''}${m.refusal ? ` (${m.refusal})` : ''}`;
  if (m.status === 'in_flight') return ', in flight at stop';
  return '';
}

const round = (n: number): number => Math.round(n * 10) / 10;
