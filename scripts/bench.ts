/**
 * `npm run bench`: throughput against raw `ws` in the same run, delay fidelity, start-up, memory,
 * scale and the cost of logging and validation. Writes bench/results/<date>.json and prints a table.
 * `--quick` runs every part once in a tiny configuration (what `npm test` does).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, freemem, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatCliError } from '@agentnet/protocol';
import { runBaseline } from './bench/baseline.js';
import { deliveredRate, memoryOf, runCluster, type ProcessMemory } from './bench/cluster-run.js';
import { BenchResult } from './bench/result.js';
import { formatBench } from './bench/format.js';
import { benchReport } from './bench/report-page.js';

const PARTS = ['throughput', 'fidelity', 'startup', 'scale', 'parts', 'security', 'report'] as const;
type Part = (typeof PARTS)[number];

const BENCH_OPTIONS = { quick: { type: 'boolean', default: false }, only: { type: 'string' }, scale: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;
/** A bad flag is a usage error (exit 2) with one line of advice, not parseArgs's stack trace. */
function usageError(message: string): never {
  process.stderr.write(formatCliError(message, 'npm run bench --'));
  process.exit(2);
}
let values: { quick?: boolean; only?: string; scale?: string; out?: string; help?: boolean };
try {
  ({ values } = parseArgs({ options: BENCH_OPTIONS, strict: true }));
} catch (err) {
  usageError((err as Error).message);
}
if (values.help) {
  process.stdout.write(`Usage: npm run bench -- [--quick] [--only ${PARTS.join(',')}] [--scale N,N,...] [--out FILE]\n\nstartup includes memory; --scale replaces the node counts the scale part steps through.\n`);
  process.exit(0);
}
const only = new Set((values.only ?? PARTS.join(',')).split(','));
for (const p of only) {
  if (!PARTS.includes(p as Part)) {
    usageError(`unknown part "${p}" (parts: ${PARTS.join(', ')})`);
  }
}
const quick = values.quick ?? false;
const scaleSteps = values.scale?.split(',').map(Number);
if (scaleSteps?.some((n) => !Number.isInteger(n) || n < 2)) {
  usageError('--scale takes node counts like 100,200');
}

const CONFIG = quick
  ? { nodes: 3, floodMs: 1500, warmupMs: 300, fidelityMs: 1000, startup: [3], sparseStartup: [3], memoryAt: [3], scale: [3], scaleMs: 1000, budgetMs: 120_000, secureStartup: [3], reportFloodMs: 1500 }
  : { nodes: 5, floodMs: 6000, warmupMs: 1000, fidelityMs: 5000, startup: [5, 50, 100, 200], sparseStartup: [200], memoryAt: [5, 200], scale: [100, 200, 300, 500], scaleMs: 10_000, budgetMs: 540_000, secureStartup: [5, 50, 200], reportFloodMs: 15_000 };
if (scaleSteps) CONFIG.scale = scaleSteps;
const MESSAGE_SIZE = 100;
const began = performance.now();
const errors: string[] = [];
const cpu = cpus();
const result: BenchResult = {
  date: new Date().toISOString(),
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  quick,
  machine: { cores: cpu.length, memory_gb: Math.round(totalmem() / 2 ** 30), node: process.version, cpu: cpu[0]?.model ?? 'unknown', platform: `${platform()} ${release()}` },
  duration_s: 0,
  errors,
};
const progress = (text: string) => process.stderr.write(`bench: ${text}\n`);

async function flood(logLevel: string, validation: boolean, security: 'on' | 'off' = 'off'): Promise<{ msgs_per_s: number; exact: boolean }> {
  const run = await runCluster(
    [
      ...['--nodes', String(CONFIG.nodes), '--traffic', 'flood', '--message-size', String(MESSAGE_SIZE), '--delay', 'constant:0', '--duration', `${CONFIG.floodMs}ms`],
      ...['--log-level', logLevel, '--peer-validation', validation ? 'on' : 'off', '--seed', '1', '--security', security],
    ],
    { timeoutMs: CONFIG.floodMs + 120_000 },
  );
  try {
    if (run.code !== 0 || !run.report) throw new Error(`flood run failed (exit ${run.code}): ${run.stderr.slice(-500)}`);
    const t = run.report.totals;
    return { msgs_per_s: deliveredRate(run.messages(), CONFIG.warmupMs).msgs_per_s, exact: t.sent === t.delivered + t.dropped + t.in_flight };
  } finally {
    run.cleanup();
  }
}

async function throughput(): Promise<void> {
  progress(`throughput: agentnet flood, ${CONFIG.nodes} nodes, ${CONFIG.floodMs} ms`);
  const agentnet = await flood('info', true);
  progress('throughput: raw ws baseline');
  const baseline = await runBaseline(CONFIG.nodes, MESSAGE_SIZE, CONFIG.floodMs, CONFIG.warmupMs);
  result.throughput = {
    nodes: CONFIG.nodes,
    message_size: MESSAGE_SIZE,
    duration_ms: CONFIG.floodMs,
    agentnet_msgs_per_s: agentnet.msgs_per_s,
    baseline_msgs_per_s: baseline.msgs_per_s,
    ratio: Math.round((agentnet.msgs_per_s / baseline.msgs_per_s) * 1000) / 1000,
    accounting_exact: agentnet.exact,
  };
}

async function fidelity(): Promise<void> {
  result.fidelity = [];
  for (const delay of ['constant:20', 'uniform:10:30']) {
    progress(`fidelity: ${delay}`);
    const run = await runCluster(['--nodes', String(CONFIG.nodes), '--delay', delay, '--interval', '10:30', '--duration', `${CONFIG.fidelityMs}ms`, '--seed', '2'], { timeoutMs: CONFIG.fidelityMs + 60_000 });
    try {
      if (run.code !== 0 || !run.report) throw new Error(`fidelity run ${delay} failed (exit ${run.code}): ${run.stderr.slice(-500)}`);
      const o = run.report.overhead_ms;
      result.fidelity.push({ delay, messages: o.count, overhead_ms: { p50: o.p50, p99: o.p99, max: o.max, count: o.count } });
    } finally {
      run.cleanup();
    }
  }
}

function summarize(mems: ProcessMemory[]) {
  const mean = (xs: number[]) => Math.round((xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length)) * 10) / 10;
  const max = (xs: number[]) => Math.round(Math.max(...xs) * 10) / 10;
  const rss = mems.map((m) => m.rss_mb);
  const pss = mems.map((m) => m.pss_mb).filter((x): x is number => x !== null);
  return { rss: { mean: mean(rss), max: max(rss) }, pss: pss.length === mems.length ? { mean: mean(pss), max: max(pss) } : null };
}

async function startup(): Promise<void> {
  result.startup = [];
  result.memory = [];
  // The full mesh, then a grid: start-up cost grows with the links each node must open.
  const plans = [...CONFIG.startup.map((nodes) => ({ nodes, topology: 'mesh' })), ...CONFIG.sparseStartup.map((nodes) => ({ nodes, topology: 'grid' }))];
  for (const { nodes, topology } of plans) {
    if (performance.now() - began > CONFIG.budgetMs) {
      errors.push(`startup: skipped ${nodes} nodes, time budget spent`);
      continue;
    }
    progress(`startup: ${nodes} nodes, ${topology}`);
    const run = await runCluster(
      ['--nodes', String(nodes), '--topology', topology, '--duration', '10m', '--interval', '600000', '--register-timeout', '180s', '--ready-timeout', '180s'],
      {
        timeoutMs: 400_000,
        interruptAfter: true,
        whileRunning: async ({ coordinator, nodes: pids }) => {
          if (!CONFIG.memoryAt.includes(nodes) || topology !== 'mesh') return;
          // Let start-up garbage be collected before reading what an idle process holds.
          await new Promise((r) => setTimeout(r, 2000));
          const nodeMems = pids.map(memoryOf).filter((m): m is ProcessMemory => m !== undefined);
          const c = memoryOf(coordinator);
          const s = summarize(nodeMems);
          result.memory?.push({ nodes, node_rss_mb: s.rss, node_pss_mb: s.pss, coordinator_rss_mb: Math.round((c?.rss_mb ?? 0) * 10) / 10, coordinator_pss_mb: c?.pss_mb === null || c === undefined ? null : Math.round(c.pss_mb * 10) / 10 });
        },
      },
    );
    result.startup.push({ nodes, topology, ready_ms: run.ready_ms, ok: run.ready_ms !== null && run.code === 130 });
    if (run.ready_ms === null) errors.push(`startup ${nodes} ${topology}: never ready (exit ${run.code}): ${run.stderr.slice(-300)}`);
    run.cleanup();
  }
}

async function scale(): Promise<void> {
  const steps: NonNullable<BenchResult['scale']>['steps'] = [];
  let stopped = 'all steps done';
  for (const nodes of CONFIG.scale) {
    // PSS, not RSS: the pages node processes share (the binary, its code) are in memory once.
    // Measured in the last step (sockets grow with the cluster), else in the memory part.
    const perNode = steps.at(-1)?.node_pss_mb ?? result.memory?.at(-1)?.node_pss_mb?.mean ?? result.memory?.at(-1)?.node_rss_mb.mean;
    if (perNode !== undefined && nodes * perNode > 0.85 * (freemem() / 2 ** 20)) {
      stopped = `memory: ${nodes} nodes x ${perNode} MB would exceed 85% of the ${Math.round(freemem() / 2 ** 20)} MB free`;
      break;
    }
    // A full mesh links n(n-1)/2 pairs: predict the next step's time from the last one's.
    const last = steps.at(-1);
    const predictedMs = last ? last.wall_ms * (nodes / last.nodes) ** 2 : 0;
    const leftMs = CONFIG.budgetMs - (performance.now() - began);
    if (predictedMs > leftMs) {
      stopped = `time: ${nodes} nodes would take about ${Math.round(predictedMs / 1000)} s, ${Math.round(Math.max(0, leftMs) / 1000)} s of the bench's ${CONFIG.budgetMs / 1000} s budget are left (run it alone: npm run bench -- --only scale --scale ${nodes})`;
      break;
    }
    progress(`scale: ${nodes} nodes, ${CONFIG.scaleMs} ms chatter`);
    let pss: number | null = null;
    const run = await runCluster(['--nodes', String(nodes), '--duration', `${CONFIG.scaleMs}ms`, '--register-timeout', '600s', '--ready-timeout', '600s'], {
      timeoutMs: 1_200_000,
      whileRunning: async ({ nodes: pids }) => {
        const sample = pids.slice(0, 20).map(memoryOf).filter((m): m is ProcessMemory => m !== undefined);
        pss = summarize(sample).pss?.mean ?? null;
      },
    });
    const t = run.report?.totals;
    const exact = t !== undefined && t.sent === t.delivered + t.dropped + t.in_flight;
    const lost = run.report?.per_node.filter((n) => n.status !== 'ok') ?? [];
    const ok = run.code === 0 && exact && lost.length === 0;
    const why = [
      run.code === 0 ? '' : `exit ${run.code}: ${run.stderr.slice(-300)}`,
      exact ? '' : `accounting: ${JSON.stringify(t)}`,
      lost.length === 0 ? '' : `lost ${lost.length}: ${lost.slice(0, 3).map((n) => `${n.id} (${n.lost?.reason})`).join(', ')}`,
    ].filter(Boolean).join('; ');
    steps.push({ nodes, ok, accounting_exact: exact, ready_ms: run.ready_ms, wall_ms: run.wall_ms, delivered: t?.delivered ?? 0, node_pss_mb: pss, note: why });
    run.cleanup();
    if (!ok) {
      stopped = `${nodes} nodes did not complete with every node ok and exact accounting`;
      break;
    }
  }
  result.scale = { steps, largest_ok: steps.filter((s) => s.ok).at(-1)?.nodes ?? null, stopped_because: stopped };
}

async function parts(): Promise<void> {
  const base = result.throughput?.agentnet_msgs_per_s ?? (await flood('info', true)).msgs_per_s;
  result.parts = [{ name: 'default (info logs, validation on)', log_level: 'info', peer_validation: true, msgs_per_s: base, ratio_to_default: 1 }];
  for (const [name, level, validation] of [
    ['logs at warn', 'warn', true],
    ['validation off', 'info', false],
    ['logs at warn, validation off', 'warn', false],
  ] as const) {
    progress(`parts: ${name}`);
    const r = await flood(level, validation);
    result.parts.push({ name, log_level: level, peer_validation: validation, msgs_per_s: r.msgs_per_s, ratio_to_default: Math.round((r.msgs_per_s / base) * 1000) / 1000 });
  }
}

/** `--security on` against off, each pair measured back to back: flood throughput, start-up, idle memory. */
async function security(): Promise<void> {
  progress('security: flood, off then on');
  const [off, on] = [await flood('info', true, 'off'), await flood('info', true, 'on')];
  const startup: NonNullable<BenchResult['security']>['startup'] = [];
  for (const nodes of CONFIG.secureStartup) {
    const ready: Record<string, number | null> = {};
    const memory: Record<string, number | null> = {};
    for (const mode of ['off', 'on'] as const) {
      progress(`security: start-up of ${nodes} nodes, security ${mode}`);
      const run = await runCluster(['--nodes', String(nodes), '--duration', '10m', '--interval', '600000', '--register-timeout', '180s', '--ready-timeout', '180s', '--security', mode], {
        timeoutMs: 400_000,
        interruptAfter: true,
        whileRunning: async ({ nodes: pids }) => {
          await new Promise((r) => setTimeout(r, 2000));
          const rss = pids.map(memoryOf).filter((m): m is ProcessMemory => m !== undefined).map((m) => m.rss_mb);
          memory[mode] = rss.length === 0 ? null : Math.round((rss.reduce((a, b) => a + b, 0) / rss.length) * 10) / 10;
        },
      });
      ready[mode] = run.ready_ms;
      if (run.ready_ms === null) errors.push(`security: ${nodes} nodes with security ${mode} never ready (exit ${run.code}): ${run.stderr.slice(-300)}`);
      run.cleanup();
    }
    const ratio = ready.on && ready.off ? Math.round((ready.on / ready.off) * 100) / 100 : null;
    startup.push({ nodes, off_ms: ready.off ?? null, on_ms: ready.on ?? null, ratio, node_rss_mb_off: memory.off ?? null, node_rss_mb_on: memory.on ?? null });
  }
  const loss = Math.round((1 - on.msgs_per_s / off.msgs_per_s) * 1000) / 1000;
  result.security = { off_msgs_per_s: off.msgs_per_s, on_msgs_per_s: on.msgs_per_s, throughput_loss: loss, accounting_exact: off.exact && on.exact, startup };
}

/** A flood long enough for about a million messages on a laptop: its report.html built and painted. */
async function report(): Promise<void> {
  progress(`report: flood ${CONFIG.reportFloodMs} ms, then npm run report and first paint`);
  result.report = await benchReport(CONFIG.reportFloodMs);
}

const RUNNERS: Record<Part, () => Promise<void>> = { throughput, fidelity, startup, scale, parts, security, report };
for (const part of PARTS) {
  if (!only.has(part)) continue;
  try {
    await RUNNERS[part]();
  } catch (err) {
    errors.push(`${part}: ${(err as Error).message}`);
  }
}
result.duration_s = Math.round((performance.now() - began) / 1000);
const parsed = BenchResult.parse(result);
const out = values.out ?? join(fileURLToPath(new URL('../bench/results/', import.meta.url)), `${parsed.date.slice(0, 19).replaceAll(':', '-')}.json`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(parsed, null, 2)}\n`);
process.stdout.write(formatBench(parsed));
process.stdout.write(`\nwritten: ${out}\n`);
process.exit(errors.length > 0 ? 1 : 0);
