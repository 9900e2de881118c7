/**
 * The run directory: `runs/<run-id>/` (or `--out DIR`) with the logs, `control.json`,
 * `messages.jsonl` and `report.json`, and the `runs/latest` link to the newest run.
 */
import { mkdirSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { LATEST_LINK, type HistoryEntry, type MessageLine, type Report } from '@agentnet/protocol';
import { CONTROL_FILE, type ControlFile } from '../api/schema.js';
import { HISTORY_FILE } from '../report/workload-report.js';

export interface RunDir {
  id: string;
  /** Absolute path, so node processes with another working directory find it too. */
  path: string;
}

function timestampId(now: Date): string {
  const iso = now.toISOString(); // 2026-11-25T00:47:29.123Z
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}-${randomBytes(2).toString('hex')}`;
}

export function createRunDir(options: { out?: string | undefined; runsDir: string; now?: Date }): RunDir {
  if (options.out !== undefined) {
    const path = resolve(options.out);
    mkdirSync(path, { recursive: true });
    return { id: basename(path), path };
  }
  const id = timestampId(options.now ?? new Date());
  const path = resolve(options.runsDir, id);
  mkdirSync(path, { recursive: true });
  return { id, path };
}

/** Points `<runs dir>/latest` at this run, replacing the old link atomically. */
export function linkLatest(run: RunDir): void {
  const parent = dirname(run.path);
  const link = join(parent, LATEST_LINK);
  const tmp = `${link}.${process.pid}.tmp`;
  try {
    unlinkSync(tmp);
  } catch {
    // No leftover from an earlier crash.
  }
  symlinkSync(relative(parent, run.path), tmp);
  renameSync(tmp, link);
}

export function writeMessages(run: RunDir, lines: readonly MessageLine[]): Promise<void> {
  return writeJsonLines(join(run.path, 'messages.jsonl'), lines);
}

/** The client workload's operations, one per line in the order they happened (`history.jsonl`). */
export function writeHistory(run: RunDir, entries: readonly HistoryEntry[]): Promise<void> {
  return writeJsonLines(join(run.path, HISTORY_FILE), entries);
}

async function writeJsonLines(path: string, lines: readonly unknown[]): Promise<void> {
  const file = await open(path, 'w');
  try {
    const chunk: string[] = [];
    for (const line of lines) {
      chunk.push(JSON.stringify(line));
      if (chunk.length >= 1000) await file.write(`${chunk.splice(0).join('\n')}\n`);
    }
    if (chunk.length > 0) await file.write(`${chunk.join('\n')}\n`);
  } finally {
    await file.close();
  }
}

export async function writeReport(run: RunDir, report: Report): Promise<void> {
  const file = await open(join(run.path, 'report.json'), 'w');
  try {
    await file.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await file.close();
  }
}

/** Where `npm run ctl` finds the run's control API. */
export function writeControlFile(run: RunDir, control: Omit<ControlFile, 'token'>, token: string | undefined): void {
  // With --security on it holds the API's token: readable by this user only, whatever the umask.
  writeFileSync(join(run.path, CONTROL_FILE), `${JSON.stringify(token === undefined ? control : { ...control, token })}\n`, { mode: 0o600 });
}

/** Writes the topology's drawing into the run directory; returns its file name. */
export const GRAPH_SVG_FILE = 'graph.svg';

export function writeGraphSvg(run: RunDir, svg: string): void {
  writeFileSync(join(run.path, GRAPH_SVG_FILE), svg);
}

/** Writes what the behaviour recorded, one event per line in time order (`events.jsonl`). */
export function writeEvents(run: RunDir, events: ReadonlyArray<{ at: number; node: string; kind: string; data: Record<string, unknown> }>): void {
  const sorted = [...events].sort((a, b) => a.at - b.at);
  writeFileSync(join(run.path, 'events.jsonl'), sorted.map((e) => JSON.stringify({ at: e.at, node: e.node, kind: e.kind, data: e.data })).join('\n') + '\n');
}
