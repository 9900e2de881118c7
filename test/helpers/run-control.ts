/**
 * Ending a run when the test is done with it, instead of racing a fixed `--duration` against what
 * must happen during the run (ctl calls, faults, convergence): on a busy machine those take as long
 * as they take. A test starts the run with OPEN_ENDED and calls `stopRun` once its conditions hold;
 * the run then ends as its duration would (settle, stop, report with `stopped_by: "api"`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiLinks, ApiState, ApiStopResult, ControlFile } from '@agentnet/coordinator';
import { CTL, spawnTs, waitUntil } from './processes.js';

/** A `--duration` no test reaches: the test ends the run through the control API. */
export const OPEN_ENDED = '10m';

/** The run's control.json: the API's URL, and its token with `--security on` (waits for the file). */
export async function controlFileOf(dir: string): Promise<ControlFile> {
  const text = await waitUntil(() => {
    try {
      return readFileSync(join(dir, 'control.json'), 'utf8');
    } catch {
      return undefined;
    }
  }, 30_000, `${dir}/control.json`);
  return ControlFile.parse(JSON.parse(text));
}

/** A request to the run's control API, with its token when the run has one (as `npm run ctl` sends it). */
export async function apiFetch(dir: string, path: string, init: RequestInit = {}): Promise<Response> {
  const { url, token } = await controlFileOf(dir);
  return fetch(`${url}${path}`, { ...init, headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...(init.headers as Record<string, string> | undefined) } });
}

/** `GET /state` of the run in `dir`. */
export async function runState(dir: string): Promise<ApiState> {
  const res = await apiFetch(dir, '/state');
  return ApiState.parse(await res.json());
}

/**
 * Messages delivered so far on the links between neighbours, as the coordinator's ledger has them
 * (nodes ship their journal every 200 ms); `filter` as GET /links takes it, e.g. `src=n0`.
 */
export async function deliveredSoFar(dir: string, filter = ''): Promise<number> {
  const res = await apiFetch(dir, `/links${filter === '' ? '' : `?${filter}`}`);
  return ApiLinks.parse(await res.json()).links.reduce((n, l) => n + l.counts.delivered, 0);
}

/** Polls an async check until it gives a value; throws after `timeoutMs`. */
export async function pollUntil<T>(check: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Ends the run in `dir` through `POST /stop`; the run then settles (if it would), stops and reports. */
export async function stopRun(dir: string): Promise<ApiStopResult> {
  const res = await apiFetch(dir, '/stop', { method: 'POST' });
  const body = (await res.json()) as unknown;
  if (res.status !== 202) throw new Error(`POST /stop answered ${res.status}: ${JSON.stringify(body)}`);
  return ApiStopResult.parse(body);
}

/** Applies one fault now through `POST /faults` (the body as a scenario step's action, e.g. `{crash: 'n2'}`). */
export async function applyFault(dir: string, action: Record<string, unknown>): Promise<void> {
  const res = await apiFetch(dir, '/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(action) });
  if (res.status !== 201) throw new Error(`POST /faults ${JSON.stringify(action)} answered ${res.status}: ${await res.text()}`);
}

/** `npm run ctl -- ARGS --run DIR`, as a user types it: its exit code and what it printed. */
export async function ctl(dir: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = spawnTs(CTL, [...args, '--run', dir]);
  const { code } = await p.exit;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}
