/**
 * `npm run report -- runs/<id>`: builds (again) a run directory's report.html from its own files
 * (report.json, messages.jsonl, events.jsonl, history.jsonl). Exit codes: 0 written, 1 the run
 * directory could not be read, 2 a usage error.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatCliError } from '@agentnet/protocol';
import { RunFilesError, readRunFiles, writeReportHtml } from '@agentnet/coordinator';

const USAGE = 'usage: npm run report -- <run directory>   (e.g. runs/latest)\n';
/** Relative paths mean the directory the user ran npm from. */
const USER_CWD = process.env.INIT_CWD ?? process.cwd();

let dir: string;
try {
  const { positionals, values } = parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  if (positionals.length !== 1) throw new Error(positionals.length === 0 ? 'name the run directory' : 'name one run directory');
  dir = resolve(USER_CWD, positionals[0] as string);
} catch (err) {
  process.stderr.write(formatCliError((err as Error).message, 'npm run report --'));
  process.stderr.write(USAGE);
  process.exit(2);
}

try {
  const started = performance.now();
  const run = await readRunFiles(dir);
  const path = await writeReportHtml(dir, run);
  process.stdout.write(`wrote ${path} (${run.lines.length} messages, ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
} catch (err) {
  if (!(err instanceof RunFilesError)) throw err;
  process.stderr.write(`error: ${err.message}\n`);
  process.exit(1);
}
