/**
 * The benchmark harness runs once in its tiny configuration and its output parses. No assertion on
 * speed: speed is what `npm run bench` measures and BENCHMARKS.md records.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchResult } from '../scripts/bench/result.js';
import { ROOT, spawnTs } from './helpers/processes.js';

describe('npm run bench -- --quick', () => {
  it('runs every part and writes results that parse', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentnet-bench-test-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const out = join(dir, 'result.json');
    const bench = spawnTs(`${ROOT}scripts/bench.ts`, ['--quick', '--out', out]);
    const { code } = await bench.exit;
    expect(code, bench.stderr()).toBe(0);

    const r = BenchResult.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(r.quick).toBe(true);
    expect(r.errors).toEqual([]);
    expect(r.machine.cores).toBeGreaterThan(0);
    const t = r.throughput;
    expect(t?.agentnet_msgs_per_s).toBeGreaterThan(0);
    expect(t?.baseline_msgs_per_s).toBeGreaterThan(0);
    expect(t?.ratio).toBeCloseTo((t?.agentnet_msgs_per_s ?? 0) / (t?.baseline_msgs_per_s ?? 1), 2);
    expect(t?.accounting_exact).toBe(true);
    expect(r.fidelity?.map((f) => f.delay)).toEqual(['constant:20', 'uniform:10:30']);
    expect(r.fidelity?.every((f) => f.messages > 0 && f.overhead_ms.p50 !== null)).toBe(true);
    expect(r.startup?.every((s) => s.ok && (s.ready_ms ?? 0) > 0)).toBe(true);
    expect(r.memory?.[0]?.node_rss_mb.mean).toBeGreaterThan(10);
    expect(r.scale?.largest_ok).toBe(3);
    expect(r.parts?.map((p) => p.name)).toHaveLength(4);
    // The table on stdout names every part.
    for (const part of ['throughput', 'delay fidelity', 'start-up', 'memory', 'scale', 'cost of the parts']) expect(bench.stdout()).toContain(part);
  }, 180_000);
});
