/**
 * Reads a JSON-lines log that another process may be writing right now: only lines that end in a
 * newline are parsed, so a line caught half-written is left for the next read instead of failing.
 */
import { existsSync, readFileSync } from 'node:fs';

export function readLogLines(path: string): Array<Record<string, unknown>> {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  return complete
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
