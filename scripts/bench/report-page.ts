/**
 * The bench's report part: a real flood run of about a million messages, then
 * - `npm run report` on its directory (read and check every file, build, write report.html)
 *   against a plain process that only reads messages.jsonl and parses each line;
 * - report.html's first paint and full draw in headless Chromium against a plain page of the same
 *   size (the same bytes in an inert element, no code).
 */
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { findChromium } from '../chromium.js';
import { runCluster } from './cluster-run.js';

const TSX = import.meta.resolve('tsx');
const REPORT = fileURLToPath(new URL('../report.ts', import.meta.url));

export interface ReportBench {
  messages: number;
  html_mb: number;
  build_ms: number;
  baseline_read_ms: number;
  build_ratio: number;
  first_paint_ms: number | null;
  ready_ms: number | null;
  baseline_paint_ms: number | null;
  note: string;
}

function timed(args: string[]): Promise<{ ms: number; code: number | null; stderr: string }> {
  const began = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ ms: Math.round(performance.now() - began), code, stderr })));
}

/** The baseline's reading: every line of messages.jsonl parsed, nothing else. */
const READ_ONLY = `
const rl = require('node:readline').createInterface({ input: require('node:fs').createReadStream(process.argv[1]), crlfDelay: Infinity });
let n = 0; rl.on('line', (l) => { if (l) { JSON.parse(l); n++; } }); rl.on('close', () => process.stdout.write(String(n)));
`;

async function paint(url: string, readySelector: string | null): Promise<{ first: number; ready: number | null }> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('no Chromium');
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'], headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
    let ready: number | null = null;
    if (readySelector) {
      await page.waitForSelector(readySelector, { timeout: 120_000, state: 'attached' });
      ready = await page.evaluate(() => performance.now());
    }
    const first = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? performance.getEntriesByName('first-paint')[0]?.startTime ?? -1);
    return { first: Math.round(first), ready: ready === null ? null : Math.round(ready) };
  } finally {
    await browser.close();
  }
}

export async function benchReport(floodMs: number): Promise<ReportBench> {
  const run = await runCluster(['--nodes', '5', '--traffic', 'flood', '--message-size', '100', '--delay', 'constant:0', '--duration', `${floodMs}ms`, '--seed', '1'], { timeoutMs: floodMs + 600_000 });
  try {
    if (run.code !== 0 || !run.report) throw new Error(`flood run failed (exit ${run.code}): ${run.stderr.slice(-500)}`);
    const dir = run.dir;
    const build = await timed(['--import', TSX, REPORT, dir]);
    if (build.code !== 0) throw new Error(`npm run report failed (exit ${build.code}): ${build.stderr.slice(-500)}`);
    const read = await timed(['-e', READ_ONLY, join(dir, 'messages.jsonl')]);
    const html = join(dir, 'report.html');
    const bytes = statSync(html).size;
    // The baseline page: the same number of bytes, inert, and one paragraph to paint.
    const plain = join(dir, 'plain.html');
    const filler = readFileSync(html, 'latin1').replace(/[<>&]/g, ' ');
    writeFileSync(plain, `<!doctype html><html><body><p>plain page</p><script type="text/plain">${filler.slice(0, Math.max(0, bytes - 90))}</script></body></html>`, 'latin1');
    let first: number | null = null;
    let ready: number | null = null;
    let baselinePaint: number | null = null;
    let note = '';
    if (findChromium()) {
      const ours = await paint(pathToFileURL(html).href, 'body[data-ready=true]');
      first = ours.first;
      ready = ours.ready;
      baselinePaint = (await paint(pathToFileURL(plain).href, null)).first;
    } else {
      note = 'no Chromium: first paint not measured';
    }
    return {
      messages: run.report.totals.sent,
      html_mb: Math.round((bytes / 2 ** 20) * 10) / 10,
      build_ms: build.ms,
      baseline_read_ms: read.ms,
      build_ratio: Math.round((build.ms / Math.max(1, read.ms)) * 100) / 100,
      first_paint_ms: first,
      ready_ms: ready,
      baseline_paint_ms: baselinePaint,
      note,
    };
  } finally {
    run.cleanup();
  }
}
