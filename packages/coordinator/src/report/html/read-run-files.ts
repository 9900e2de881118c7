/**
 * Reads a run directory back for `npm run report`: report.json, messages.jsonl, and events.jsonl
 * and history.jsonl when the run wrote them, each line checked against its schema. A missing or
 * broken file is a RunFilesError naming the file and the line.
 */
import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { BehaviorEvent, HistoryEntry, MessageLine, NodeId, Report } from '@agentnet/protocol';
import { HISTORY_FILE } from '../workload-report.js';
import type { RunFiles } from './page-model-build.js';

export class RunFilesError extends Error {
  override readonly name = 'RunFilesError';
}

const EventLine = BehaviorEvent.extend({ node: NodeId });

async function readLines<T>(path: string, schema: z.ZodType<T>): Promise<T[]> {
  const out: T[] = [];
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new RunFilesError(`${path}:${n}: not JSON`);
    }
    const r = schema.safeParse(value);
    if (!r.success) throw new RunFilesError(`${path}:${n}: ${r.error.issues[0]?.path.join('.') ?? ''} ${r.error.issues[0]?.message ?? 'does not match'}`);
    out.push(r.data);
  }
  return out;
}

export async function readRunFiles(dir: string): Promise<RunFiles> {
  const reportPath = join(dir, 'report.json');
  if (!existsSync(reportPath)) throw new RunFilesError(`${dir} holds no report.json: is it a run directory (runs/<id>)?`);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(reportPath, 'utf8'));
  } catch (err) {
    throw new RunFilesError(`${reportPath}: not JSON (${(err as Error).message})`);
  }
  const parsed = Report.safeParse(raw);
  if (!parsed.success) throw new RunFilesError(`${reportPath}: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? 'does not match'}`);
  const files = ['report.json', 'messages.jsonl'];
  const messagesPath = join(dir, 'messages.jsonl');
  if (!existsSync(messagesPath)) throw new RunFilesError(`${dir} holds no messages.jsonl`);
  const lines = await readLines(messagesPath, MessageLine);
  const optional = async <T>(name: string, schema: z.ZodType<T>): Promise<T[]> => {
    if (!existsSync(join(dir, name))) return [];
    files.push(name);
    return readLines(join(dir, name), schema);
  };
  const events = await optional('events.jsonl', EventLine);
  const history = await optional(HISTORY_FILE, HistoryEntry);
  return { report: parsed.data, lines, events, history, files };
}
