/**
 * The control API with real processes: `npm run ctl` (scripts/ctl.ts, spawned as a process) cuts
 * a running cluster in two and heals it, and the report shows exactly that period; bad requests
 * sent straight to the API are refused with the right status and error body and change nothing;
 * the API binds loopback only, even when the coordinator binds every interface.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorBody, ErrorCode } from '@agentnet/protocol';
import { API_BODY_LIMIT_BYTES, ApiLinks, ApiState, ControlFile } from '@agentnet/coordinator';
import { accountingHolds, useClusters } from './helpers/cluster.js';
import { OPEN_ENDED, ctl, runState } from './helpers/run-control.js';
import { COORDINATOR_MAIN, readLogLines, spawnTs, waitForLogLine, waitUntil, type Spawned } from './helpers/processes.js';

const startCluster = useClusters();

function controlOf(dir: string): ControlFile {
  return ControlFile.parse(JSON.parse(readFileSync(join(dir, 'control.json'), 'utf8')));
}

async function call(url: string, method: string, path: string, body?: string, contentType = 'application/json') {
  const res = await fetch(`${url}${path}`, { method, ...(body === undefined ? {} : { body, headers: { 'content-type': contentType } }) });
  return { status: res.status, allow: res.headers.get('allow'), json: (await res.json()) as unknown };
}

/** Polls an async check (an API read) until it gives a value; throws after `timeoutMs`. */
async function pollUntil<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const side = (id: string) => (id === 'n0' ? 'a' : 'b');

describe('control API', () => {
  it('the control API changes a running cluster: a partition from ctl, healed from ctl, exactly as the report shows', async () => {
    // Open-ended: about ten ctl processes start one after another, which takes as long as the
    // machine needs; the test ends the run (ctl end) once it has seen what it came for.
    const run = startCluster(['--nodes', '5', '--duration', OPEN_ENDED, '--interval', '20:40', '--delay', 'uniform:20:60', '--seed', '61']);
    await waitForLogLine(run.coordinatorLog, (l) => l.msg === 'start');
    const control = controlOf(run.dir);
    expect(control.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(control.pid).toBe(readLogLines(run.coordinatorLog).find((l) => l.msg === 'listening')?.pid);

    const cut = await ctl(run.dir, 'partition', 'n0', '/', 'n1,n2,n3,n4', '--mode', 'drop', '--name', 'cut');
    expect(cut.code, cut.stderr).toBe(0);
    expect(cut.stdout).toMatch(/^partition at \d+\.\d+ s: cut \(drop\): groups \[\["n0"\],\["n1","n2","n3","n4"\]\], 8 directed links cut$/m);
    const startedAt = (await waitForLogLine(run.coordinatorLog, (l) => l.msg === 'fault' && l.kind === 'partition' && l.name === 'cut')).time as number;

    // The cut links show their partition; wait until the ledger has counted drops on them.
    const fromN0 = await pollUntil(
      async () => {
        const { links } = ApiLinks.parse((await call(control.url, 'GET', '/links?src=n0')).json);
        return links.reduce((n, l) => n + l.counts.dropped, 0) >= 10 ? links : undefined;
      },
      10_000,
      'drops on the links n0 -> *',
    );
    expect(fromN0.map((l) => l.dest)).toEqual(['n1', 'n2', 'n3', 'n4']);
    expect(fromN0.every((l) => l.partitions.length === 1 && l.partitions[0]?.name === 'cut' && l.partitions[0]?.mode === 'drop')).toBe(true);
    const inside = ApiLinks.parse((await call(control.url, 'GET', '/links?src=n1&dest=n2')).json).links;
    expect(inside).toMatchObject([{ src: 'n1', dest: 'n2', partitions: [], link_faults: [], model: { delay: { kind: 'uniform', min: 20, max: 60 } } }]);
    expect(inside[0]?.model_text).toMatch(/^delay=uniform:20:60 loss=0 /);

    // Bad requests are refused with their status and error body, and change nothing.
    const before = ApiState.parse((await call(control.url, 'GET', '/state')).json);
    expect(before.phase).toBe('running');
    expect(before.in_force.names).toEqual(['cut']);
    const bad: Array<[string, string, string | undefined, string | undefined, number, number]> = [
      ['POST', '/faults', '{"partition":', undefined, 400, ErrorCode.malformed_request],
      ['POST', '/faults', '{"partition":{"groups":[["n0"],["n1"]],"mode":"sometimes"}}', undefined, 400, ErrorCode.malformed_request],
      ['POST', '/faults', '{"crash":"n7"}', undefined, 400, ErrorCode.node_not_found],
      ['POST', '/faults', '{"partition":{"name":"cut","preset":"halves"}}', undefined, 409, ErrorCode.key_already_exists],
      ['POST', '/faults', '{"resume":"n2"}', undefined, 409, ErrorCode.precondition_failed],
      ['POST', '/faults', '{"crash":"n1"}', 'text/plain', 415, ErrorCode.not_supported],
      ['POST', '/faults', JSON.stringify({ crash: 'n1', pad: 'x'.repeat(API_BODY_LIMIT_BYTES) }), undefined, 413, ErrorCode.frame_too_large],
      ['DELETE', '/faults/nosuch', undefined, undefined, 404, ErrorCode.key_does_not_exist],
      ['PUT', '/faults', undefined, undefined, 405, ErrorCode.not_supported],
      ['GET', '/nope', undefined, undefined, 404, ErrorCode.not_supported],
    ];
    for (const [method, path, body, type, status, code] of bad) {
      const res = await call(control.url, method, path, body, type);
      expect(res.status, `${method} ${path} ${body?.slice(0, 60)}`).toBe(status);
      expect(ErrorBody.parse(res.json)).toMatchObject({ type: 'error', code });
    }
    const after = ApiState.parse((await call(control.url, 'GET', '/state')).json);
    expect(after.in_force).toEqual(before.in_force);
    expect(after.history).toEqual(before.history);
    expect(after.nodes.map((n) => [n.id, n.state, n.pid])).toEqual(before.nodes.map((n) => [n.id, n.state, n.pid]));
    const rejects = () => readLogLines(run.coordinatorLog).filter((l) => l.msg === 'reject' && l.status !== undefined);
    await waitUntil(() => rejects().length === bad.length, 5_000, 'a reject line per bad request');

    // ctl's own refusals and usage errors.
    const refused = await ctl(run.dir, 'heal', 'nosuch');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error: nothing named "nosuch" to heal (in force: cut) (HTTP 404, key_does_not_exist)');
    const usage = await ctl(run.dir, 'partition', 'n0');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe('error: partition needs two or more groups separated by / (got n0)\nrun `npm run ctl -- --help` for the options\n');

    const heal = await ctl(run.dir, 'heal', 'cut');
    expect(heal.code, heal.stderr).toBe(0);
    expect(heal.stdout).toMatch(/^heal at \d+\.\d+ s: cut$/m);
    const healedAt = (await waitForLogLine(run.coordinatorLog, (l) => l.msg === 'fault' && l.kind === 'heal')).time as number;
    const state = await ctl(run.dir, 'state');
    expect(state.code, state.stderr).toBe(0);
    expect(state.stdout).toContain('no fault in force');
    expect(state.stdout).toMatch(/^\d+\.\d+ +heal +cut$/m);
    const asJson = await ctl(run.dir, 'links', '--src', 'n0', '--dest', 'n1', '--json');
    expect(ApiLinks.parse(JSON.parse(asJson.stdout)).links).toMatchObject([{ src: 'n0', dest: 'n1', partitions: [] }]);

    // Before ending the run, crossing traffic has flowed again for a while: the ledger counts new
    // deliveries from n0 sent well after the heal (its journal lags by a batch, 200 ms).
    const healAtMs = (await runState(run.dir)).history.find((f) => f.kind === 'heal')?.at_ms;
    expect(healAtMs).toBeDefined();
    const fromN0Delivered = async () => ApiLinks.parse((await call(control.url, 'GET', '/links?src=n0')).json).links.reduce((n, l) => n + l.counts.delivered, 0);
    await pollUntil(async () => ((await runState(run.dir)).elapsed_ms > (healAtMs ?? 0) + 600 ? true : undefined), 30_000, 'the run to go on past the heal');
    const baseline = await fromN0Delivered();
    await pollUntil(async () => ((await fromN0Delivered()) >= baseline + 10 ? true : undefined), 30_000, 'deliveries from n0 after the heal');

    const end = await ctl(run.dir, 'end');
    expect(end.code, end.stderr).toBe(0);
    expect(end.stdout).toMatch(/^ending the run \(asked at \d+\.\d+ s\)/);
    const { code } = await run.exit;
    expect(code, run.stderr()).toBe(0);
    const report = run.report();
    // Ended through the API: a normal end, not an interrupt.
    expect(report).toMatchObject({ stopped_by: 'api', interrupted: false });
    expect(readLogLines(run.coordinatorLog).find((l) => l.msg === 'stop')?.reason).toBe('stopped through the control API');
    const messages = run.messages();
    expect(accountingHolds(report, messages)).toBe(true);
    expect(report.faults.map(({ kind, name, ends }) => ({ kind, name, ends }))).toEqual([
      { kind: 'partition', name: 'cut', ends: undefined },
      { kind: 'heal', name: undefined, ends: ['cut'] },
    ]);
    expect(report.fault_periods.map((p) => p.name)).toEqual(['cut']);
    expect(report.totals.dropped_by_reason.partition).toBeGreaterThan(0);

    // Every partition drop crossed the cut and was sent inside the period: from a message's delay
    // (<= 60 ms) before the partition reached the nodes (a message still in its sender's shaper is
    // dropped on release) to shortly after the heal reached them.
    const partitionDrops = messages.filter((m) => m.drop_reason === 'partition');
    expect(partitionDrops.length).toBe(report.totals.dropped_by_reason.partition);
    expect(partitionDrops.every((m) => side(m.src) !== side(m.dest))).toBe(true);
    expect(partitionDrops.every((m) => m.sent_at > startedAt - 150 && m.sent_at < healedAt + 150)).toBe(true);
    // Well inside the period, nothing crossed.
    const crossing = messages.filter((m) => side(m.src) !== side(m.dest) && m.sent_at > startedAt + 100 && m.sent_at < healedAt - 100);
    expect(crossing.length).toBeGreaterThan(20);
    expect(crossing.filter((m) => m.status === 'delivered')).toEqual([]);
    // After the heal, crossing traffic flows again.
    expect(messages.some((m) => side(m.src) !== side(m.dest) && m.sent_at > healedAt + 100 && m.status === 'delivered')).toBe(true);

    const ended = await ctl(run.dir, 'state');
    expect(ended.code).toBe(1);
    expect(ended.stderr).toContain(`the run in ${run.dir} has ended`);
    // About ten ctl processes, each a TypeScript start-up, one after another: minutes on a loaded 2-core machine.
  }, 240_000);

  describe('before the run starts, and on every interface', () => {
    const dirs: string[] = [];
    const coordinators: Spawned[] = [];
    afterEach(async () => {
      for (const c of coordinators.splice(0)) {
        c.child.kill('SIGKILL');
        await c.exit;
      }
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    });

    it('binds 127.0.0.1 even with --host 0.0.0.0, and refuses faults while nodes register', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'agentnet-api-'));
      dirs.push(dir);
      const coordinator = spawnTs(COORDINATOR_MAIN, ['--nodes', '3', '--out', dir, '--host', '0.0.0.0', '--port', '0', '--register-timeout', '60s']);
      coordinators.push(coordinator);
      const listening = await waitForLogLine(join(dir, 'coordinator.log'), (l) => l.msg === 'api_listening');
      const control = controlOf(dir);
      expect(listening.url).toBe(control.url);
      expect(coordinator.stdout()).toContain(`control API ${control.url}`);
      const port = new URL(control.url).port;

      // 127.0.0.2 is loopback too: the control WebSocket server (on 0.0.0.0) answers there, the API does not.
      const wsPort = new URL(readLogLines(join(dir, 'coordinator.log')).find((l) => l.msg === 'listening')?.url as string).port;
      const upgradeRequired = await fetch(`http://127.0.0.2:${wsPort}/`);
      expect(upgradeRequired.status).toBe(426);
      await expect(fetch(`http://127.0.0.2:${port}/state`)).rejects.toThrow();

      const state = ApiState.parse((await call(control.url, 'GET', '/state')).json);
      expect(state).toMatchObject({ phase: 'registering', nodes: [], elapsed_ms: 0, history: [] });
      // The topology is known before anyone registers: every directed link, nothing on it yet.
      const links = ApiLinks.parse((await call(control.url, 'GET', '/links')).json).links;
      expect(links.map((l) => `${l.src}>${l.dest}`)).toEqual(['n0>n1', 'n0>n2', 'n1>n0', 'n1>n2', 'n2>n0', 'n2>n1']);
      expect(links.every((l) => l.counts.sent === 0)).toBe(true);
      const refused = await call(control.url, 'POST', '/faults', '{"partition":{"preset":"halves"}}');
      expect(refused.status).toBe(409);
      expect(ErrorBody.parse(refused.json)).toEqual({ type: 'error', code: ErrorCode.unexpected_message, text: 'faults apply only while the run is running (it is registering)' });
      expect((await call(control.url, 'POST', '/reset')).status).toBe(409);

      const ctlState = await ctl(dir, 'state');
      expect(ctlState.code, ctlState.stderr).toBe(0);
      expect(ctlState.stdout).toContain('registering');
    });
  });
});
