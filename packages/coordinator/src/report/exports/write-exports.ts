/**
 * Writes a run's exports beside report.json: `shiviz.log` (ShiViz) and `trace.json` (Perfetto,
 * chrome://tracing), both from messages.jsonl's lines and the report, in chunks, so a run of a
 * million messages never becomes one string.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { MessageLine, Report } from '@agentnet/protocol';
import { spaceTimeEvents } from './space-time.js';
import { SHIVIZ_FILE, shivizHeader, shivizLine } from './shiviz-log.js';
import { TRACE_FILE, traceEvents } from './chrome-trace.js';

/** Lines written per chunk. */
const CHUNK = 2000;

export async function writeExports(dir: string, lines: readonly MessageLine[], report: Report): Promise<void> {
  await writeChunked(join(dir, SHIVIZ_FILE), shivizHeader(), mapped(spaceTimeEvents(lines), shivizLine), '\n', '\n');
  const run = { runId: report.run_id, startedAt: Date.parse(report.started_at), nodes: report.per_node.map((n) => n.id), faultPeriods: report.fault_periods };
  await writeChunked(join(dir, TRACE_FILE), '{"displayTimeUnit":"ms","traceEvents":[\n', traceEvents(run, lines), ',\n', '\n]}\n');
}

function* mapped<T>(items: Iterable<T>, f: (item: T) => string): Generator<string> {
  for (const item of items) yield f(item);
}

async function writeChunked(path: string, head: string, items: Iterable<string>, separator: string, tail: string): Promise<void> {
  const file = await open(path, 'w');
  try {
    await file.write(head);
    let chunk: string[] = [];
    let first = true;
    const flush = async (): Promise<void> => {
      if (chunk.length === 0) return;
      await file.write(`${first ? '' : separator}${chunk.join(separator)}`);
      first = false;
      chunk = [];
    };
    for (const item of items) {
      chunk.push(item);
      if (chunk.length >= CHUNK) await flush();
    }
    await flush();
    await file.write(tail);
  } finally {
    await file.close();
  }
}
