import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { request } from 'node:http';
import { ErrorBody, ErrorCode } from '@agentnet/protocol';
import { API_BODY_LIMIT_BYTES, ApiFaultResult, ApiFaults, ApiLinks, ApiState, ApiStopResult } from './schema.js';
import { FaultError } from '../errors.js';
import { startApi, type ApiFixture } from '../../fixtures/api-host.js';

let f: ApiFixture;
beforeEach(async () => {
  f = await startApi();
});
afterEach(async () => {
  await f.close();
});

const JSON_TYPE = { 'content-type': 'application/json' };

function call(method: string, path: string, body?: string, headers: Record<string, string> = body === undefined ? {} : JSON_TYPE) {
  return fetch(`${f.api.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
}

async function refused(res: Response, status: number, code: number): Promise<string> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = ErrorBody.parse(await res.json());
  expect(body).toMatchObject({ type: 'error', code });
  return body.text;
}

describe('control API: reads', () => {
  it('binds 127.0.0.1 on a free port', () => {
    expect(f.api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(f.api.url).not.toMatch(/:0$/);
  });

  it('answers only requests addressed to loopback by name or address (a rebound DNS name is refused)', async () => {
    const port = new URL(f.api.url).port;
    const asked = (host: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/state', headers: { host } }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
    expect((await asked(`localhost:${port}`)).status).toBe(200);
    const rebound = await asked(`evil.example:${port}`);
    expect(rebound.status).toBe(421);
    expect(ErrorBody.parse(JSON.parse(rebound.body)).text).toBe(`this API answers requests for 127.0.0.1:${port} or localhost:${port} only (Host: evil.example:${port})`);
    expect(f.host.applied).toEqual([]);
  });

  it('GET /state: run, nodes with their pause mode, faults in force and the history', async () => {
    const res = await call('GET', '/state');
    expect(res.status).toBe(200);
    const state = ApiState.parse(await res.json());
    expect(state).toMatchObject({ run_id: 'unit', seed: 7, phase: 'running', elapsed_ms: 1234 });
    expect(state.nodes.find((n) => n.id === 'n3')?.paused).toBe('drop');
    expect(state.nodes.find((n) => n.id === 'n0')).not.toHaveProperty('paused');
    expect(state.in_force.names).toEqual(['cut', 'slow']);
    expect(state.history).toHaveLength(1);
  });

  it('GET /faults: in force and history only', async () => {
    const faults = ApiFaults.parse(await (await call('GET', '/faults')).json());
    expect(faults.in_force.partitions.map((p) => p.name)).toEqual(['cut']);
    expect(faults.history.map((h) => h.kind)).toEqual(['partition']);
  });

  it('GET /links: effective model, the partition and link fault on each link, counts, filters', async () => {
    const all = ApiLinks.parse(await (await call('GET', '/links')).json()).links;
    expect(all).toHaveLength(12);
    const n0n1 = all.find((l) => l.src === 'n0' && l.dest === 'n1');
    expect(n0n1?.partitions).toEqual([{ name: 'cut', mode: 'drop' }]);
    expect(n0n1?.counts).toEqual({ sent: 3, delivered: 0, dropped: 3, in_flight: 0 });
    const n1n2 = all.find((l) => l.src === 'n1' && l.dest === 'n2');
    expect(n1n2?.link_faults).toEqual(['slow']);
    expect(n1n2?.model.delay).toEqual({ kind: 'constant', ms: 500 });
    expect(n1n2?.model_text).toMatch(/^delay=constant:500 loss=0 /);
    expect(all.find((l) => l.src === 'n2' && l.dest === 'n1')?.model_text).toMatch(/^delay=uniform:50:150 /);

    const filtered = ApiLinks.parse(await (await call('GET', '/links?src=n1&dest=n2')).json()).links;
    expect(filtered.map((l) => `${l.src}>${l.dest}`)).toEqual(['n1>n2']);
    expect(f.host.linkFilters.at(-1)).toEqual({ src: 'n1', dest: 'n2' });
    const toN0 = ApiLinks.parse(await (await call('GET', '/links?dest=n0')).json()).links;
    expect(toN0.map((l) => l.src)).toEqual(['n1', 'n2', 'n3']);
  });
});

describe('control API: changes', () => {
  it('POST /faults applies the action as validated (defaults filled) and answers 201 with a Location', async () => {
    const res = await call('POST', '/faults', JSON.stringify({ partition: { name: 'split', groups: [['n0', 'n1'], ['n2', 'n3']] } }));
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/faults/split');
    expect(ApiFaultResult.parse(await res.json()).fault).toMatchObject({ kind: 'partition', name: 'split' });
    expect(f.host.applied).toEqual([{ partition: { name: 'split', mode: 'drop', groups: [['n0', 'n1'], ['n2', 'n3']] } }]);
    await vi.waitFor(() => expect(f.logLines().find((l) => l.msg === 'api')).toMatchObject({ level: 'info', method: 'POST', path: '/faults', status: 201 }));
  });

  it('POST /faults with a node fault (charset in the content type is fine); no Location, it has no healable name', async () => {
    const res = await call('POST', '/faults', '{"crash":"n2"}', { 'content-type': 'application/json; charset=utf-8' });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBeNull();
    expect(f.host.applied).toEqual([{ crash: 'n2' }]);
  });

  it('DELETE /faults/NAME heals one (names are percent-decoded), DELETE /faults all', async () => {
    f.host.faults.partitions[0] = { name: 'a b', mode: 'drop', cuts: [] };
    expect((await call('DELETE', '/faults/slow')).status).toBe(200);
    expect((await call('DELETE', '/faults/a%20b')).status).toBe(200);
    expect((await call('DELETE', '/faults')).status).toBe(200);
    expect(f.host.applied).toEqual([{ heal: 'slow' }, { heal: 'a b' }, { heal: true }]);
  });

  it('POST /reset with no body or an empty JSON object', async () => {
    const res = await call('POST', '/reset');
    expect(res.status).toBe(200);
    expect(ApiFaultResult.parse(await res.json()).fault.ends).toEqual(['cut', 'slow']);
    expect((await call('POST', '/reset', '{}')).status).toBe(200);
    expect(f.host.resets).toBe(2);
  });

  it('POST /stop with no body or {}: 202, the run ends; again while it is stopping', async () => {
    const res = await call('POST', '/stop');
    expect(res.status).toBe(202);
    expect(ApiStopResult.parse(await res.json())).toEqual({ stopping: true, elapsed_ms: 3000 });
    f.host.phase = 'stopping';
    expect((await call('POST', '/stop', '{}')).status).toBe(202);
    expect(f.host.stops).toBe(2);
    expect(f.host.applied).toEqual([]);
    await vi.waitFor(() => expect(f.logLines().find((l) => l.msg === 'api' && l.path === '/stop')).toMatchObject({ level: 'info', method: 'POST', status: 202 }));
  });

  it.each([
    ['registering', /only once it is running \(it is registering; interrupt the coordinator/],
    ['connecting', /it is connecting/],
    ['done', /\(it has ended\)/],
  ] as const)('POST /stop while %s: 409, nothing stops', async (phase, text) => {
    f.host.phase = phase;
    expect(await refused(await call('POST', '/stop'), 409, ErrorCode.unexpected_message)).toMatch(text);
    expect(f.host.stops).toBe(0);
  });
});

describe('control API: every refused request changes nothing and is logged', () => {
  const big = JSON.stringify({ crash: 'n1', pad: 'x'.repeat(API_BODY_LIMIT_BYTES) });
  const cases: Array<[string, string, string, string | undefined, Record<string, string> | undefined, number, number, RegExp]> = [
    ['invalid JSON', 'POST', '/faults', '{"crash":', undefined, 400, ErrorCode.malformed_request, /not JSON/],
    ['an empty body', 'POST', '/faults', '', JSON_TYPE, 400, ErrorCode.malformed_request, /empty/],
    ['a JSON array', 'POST', '/faults', '[]', undefined, 400, ErrorCode.malformed_request, /^bad body/],
    ['two actions', 'POST', '/faults', '{"crash":"n1","stop":"n2"}', undefined, 400, ErrorCode.malformed_request, /exactly one of/],
    ['an unknown action', 'POST', '/faults', '{"explode":"n1"}', undefined, 400, ErrorCode.malformed_request, /explode/],
    ['a bad field, with its path', 'POST', '/faults', '{"partition":{"groups":[["n0"]]}}', undefined, 400, ErrorCode.malformed_request, /partition\.groups/],
    ['a bad link value', 'POST', '/faults', '{"link":{"from":["n0"],"to":["n1"],"loss":"lots"}}', undefined, 400, ErrorCode.malformed_request, /link\.loss/],
    ['an unknown node', 'POST', '/faults', '{"crash":"n9"}', undefined, 400, ErrorCode.node_not_found, /unknown node n9 \(this run has n0\.\.n3\)/],
    ['a heal of an unknown name', 'POST', '/faults', '{"heal":"nope"}', undefined, 404, ErrorCode.key_does_not_exist, /nothing named "nope".*in force: cut, slow/],
    ['DELETE of an unknown name', 'DELETE', '/faults/nope', undefined, undefined, 404, ErrorCode.key_does_not_exist, /nope/],
    ['a name already in force', 'POST', '/faults', '{"partition":{"name":"cut","preset":"halves"}}', undefined, 409, ErrorCode.key_already_exists, /heal it first/],
    ['a body over 64 KiB', 'POST', '/faults', big, undefined, 413, ErrorCode.frame_too_large, /larger than 65536/],
    ['a text body', 'POST', '/faults', '{"crash":"n1"}', { 'content-type': 'text/plain' }, 415, ErrorCode.not_supported, /text\/plain/],
    ['no content type', 'POST', '/faults', '{"crash":"n1"}', { 'content-type': '' }, 415, ErrorCode.not_supported, /JSON/],
    ['a reset with a body', 'POST', '/reset', '{"all":true}', undefined, 400, ErrorCode.malformed_request, /all/],
    ['a reset with a text body', 'POST', '/reset', 'now', { 'content-type': 'text/plain' }, 415, ErrorCode.not_supported, /JSON/],
    ['a stop with a body', 'POST', '/stop', '{"now":true}', undefined, 400, ErrorCode.malformed_request, /now/],
    ['a stop with a query', 'POST', '/stop?force=1', undefined, undefined, 400, ErrorCode.malformed_request, /force/],
    ['an unknown path', 'GET', '/nope', undefined, undefined, 404, ErrorCode.not_supported, /no such endpoint/],
    ['a query on /state', 'GET', '/state?verbose=1', undefined, undefined, 400, ErrorCode.malformed_request, /verbose/],
    ['an unknown links filter', 'GET', '/links?from=n0', undefined, undefined, 400, ErrorCode.malformed_request, /from/],
    ['a links filter on an unknown node', 'GET', '/links?src=n7', undefined, undefined, 400, ErrorCode.node_not_found, /n7/],
    ['a bad percent-encoding', 'DELETE', '/faults/%E0%A4%A', undefined, undefined, 400, ErrorCode.malformed_request, /percent-encoded/],
  ];
  it.each(cases)('%s', async (_what, method, path, body, headers, status, code, text) => {
    const res = await call(method, path, body, headers);
    expect(await refused(res, status, code)).toMatch(text);
    expect(f.host.changed).toBe(false);
    await vi.waitFor(() => expect(f.logLines().find((l) => l.msg === 'reject')).toMatchObject({ level: 'warn', method, status, err: { type: 'ApiError', code } }));
  });

  it.each([
    ['PUT', '/state', 'GET'],
    ['POST', '/links', 'GET'],
    ['PATCH', '/faults', 'GET, POST, DELETE'],
    ['GET', '/faults/cut', 'DELETE'],
    ['GET', '/reset', 'POST'],
    ['GET', '/stop', 'POST'],
  ])('%s %s: 405 with Allow: %s', async (method, path, allow) => {
    const res = await call(method, path);
    expect(await refused(res, 405, ErrorCode.not_supported)).toContain(`${method} is not allowed`);
    expect(res.headers.get('allow')).toBe(allow);
    expect(f.host.changed).toBe(false);
  });

  it('409 while the run is not running, for every change', async () => {
    f.host.phase = 'stopping';
    expect(await refused(await call('POST', '/faults', '{"crash":"n1"}'), 409, ErrorCode.unexpected_message)).toBe('faults apply only while the run is running (it is stopping)');
    await refused(await call('DELETE', '/faults/cut'), 409, ErrorCode.unexpected_message);
    await refused(await call('DELETE', '/faults'), 409, ErrorCode.unexpected_message);
    await refused(await call('POST', '/reset'), 409, ErrorCode.unexpected_message);
    expect(f.host.changed).toBe(false);
    expect((await call('GET', '/state')).status).toBe(200);
  });

  it('409 when the timeline refuses (FaultError), 500 on anything else; the server goes on', async () => {
    f.host.failWith = new FaultError('n1 is not paused');
    expect(await refused(await call('POST', '/faults', '{"resume":"n1"}'), 409, ErrorCode.precondition_failed)).toBe('n1 is not paused');
    f.host.failWith = new Error('boom');
    expect(await refused(await call('POST', '/faults', '{"resume":"n1"}'), 500, ErrorCode.crash)).toContain('boom');
    await vi.waitFor(() => expect(f.logLines().find((l) => l.msg === 'api_failed')).toMatchObject({ level: 'error', status: 500 }));
    expect(f.host.changed).toBe(false);
    expect((await call('POST', '/faults', '{"resume":"n1"}')).status).toBe(201);
  });

  it('a streamed (chunked) body over the limit is read to its end and refused with 413', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 6) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(`${f.api.url}/faults`, { method: 'POST', headers: JSON_TYPE, body, duplex: 'half' } as RequestInit);
    await refused(res, 413, ErrorCode.frame_too_large);
    expect(f.host.changed).toBe(false);
  });
});

describe('control API: close', () => {
  it('stops listening', async () => {
    const { url } = f.api;
    await f.api.close();
    await expect(fetch(`${url}/state`)).rejects.toThrow();
  });
});
