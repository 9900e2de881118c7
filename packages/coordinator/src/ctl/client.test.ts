import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CtlError, callApi, findApi } from './client.js';
import { UnexpectedAnswerError, formatAnswer } from './output.js';
import { parseCtl, type CtlRequest } from './command.js';
import { startApi, type ApiFixture } from '../../fixtures/api-host.js';

function request(...argv: string[]): CtlRequest {
  const command = parseCtl(argv);
  if (command.kind !== 'request') throw new Error('not a request');
  return command.request;
}

describe('ctl: finding the API', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'agentnet-ctl-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (text: string) => writeFileSync(join(dir, 'control.json'), text);

  it('reads the URL from control.json while the coordinator lives', () => {
    write(JSON.stringify({ url: 'http://127.0.0.1:4321', pid: 42, run_id: 'r' }));
    expect(findApi(dir, (pid) => pid === 42)).toEqual({ url: 'http://127.0.0.1:4321', token: undefined });
  });

  it('says the run has ended when its coordinator is gone', () => {
    write(JSON.stringify({ url: 'http://127.0.0.1:4321', pid: 42, run_id: 'r' }));
    expect(() => findApi(dir, () => false)).toThrow(`the run in ${dir} has ended (its coordinator, pid 42, is gone)`);
  });

  it('a missing, broken or foreign control file is a CtlError naming the problem', () => {
    expect(() => findApi(dir)).toThrow(/no control\.json in .*start one with npm run cluster/);
    write('{"url":');
    expect(() => findApi(dir)).toThrow(/is not JSON/);
    write(JSON.stringify({ url: 'http://0.0.0.0:80', pid: 42, run_id: 'r' }));
    expect(() => findApi(dir)).toThrow(CtlError);
    expect(() => findApi(dir)).toThrow(/not a control file: url/);
  });
});

describe('ctl: calling the API and printing its answers', () => {
  let f: ApiFixture;
  beforeEach(async () => {
    f = await startApi();
  });
  afterEach(async () => {
    await f.close();
  });

  it('state as tables: nodes with pause mode, faults in force, history', async () => {
    const req = request('state');
    const answer = await callApi({ url: f.api.url }, req);
    expect(answer.ok).toBe(true);
    const text = formatAnswer(req, answer.body);
    expect(text).toContain('run unit: seed 7, running, 1.23 s since start');
    expect(text).toMatch(/^n3 +1003 +ready +0 +drop$/m);
    expect(text).toMatch(/^cut +partition +drop, 6 directed links cut$/m);
    expect(text).toMatch(/^slow +link +n1>n2$/m);
    expect(text).toMatch(/^byzantine n2 +byzantine +forge, replay$/m);
    expect(text).toMatch(/^0\.10 +partition +cut \(drop\)/m);
  });

  it('links as a table with counts, faults and model, and the lag note', async () => {
    const req = request('links', '--src', 'n1');
    const text = formatAnswer(req, (await callApi({ url: f.api.url }, req)).body);
    expect(text).toMatch(/^n1>n0 +3 +0 +3 +0 +cut \(drop\) +delay=uniform:50:150 /m);
    expect(text).toMatch(/^n1>n2 +3 +3 +0 +0 +slow +delay=constant:500 /m);
    expect(text).toContain('lag');
  });

  it('a change as one line', async () => {
    const req = request('crash', 'n2');
    const answer = await callApi({ url: f.api.url }, req);
    expect(answer).toMatchObject({ ok: true, status: 201 });
    expect(formatAnswer(req, answer.body)).toBe('crash at 2.00 s: {"crash":"n2"}\n');
    expect(formatAnswer(request('reset'), (await callApi({ url: f.api.url }, request('reset'))).body)).toBe('reset at 2.50 s: ended cut, slow\n');
  });

  it('end: the run is ending, with when it was asked', async () => {
    const answer = await callApi({ url: f.api.url }, request('end'));
    expect(answer).toMatchObject({ ok: true, status: 202 });
    expect(formatAnswer(request('end'), answer.body)).toBe('ending the run (asked at 3.00 s): it settles if it would, then stops and writes its report\n');
    expect(f.host.stops).toBe(1);
  });

  it('a refusal comes back with the API text, status and code name; nothing changed', async () => {
    const answer = await callApi({ url: f.api.url }, request('heal', 'nope'));
    expect(answer).toMatchObject({ ok: false, status: 404, error: 'nothing named "nope" to heal (in force: cut, slow) (HTTP 404, key_does_not_exist)' });
    const bad = await callApi({ url: f.api.url }, request('link', 'n0>n1', 'lose=1'));
    expect(bad).toMatchObject({ ok: false, status: 400 });
    expect(!bad.ok && bad.error).toMatch(/Unrecognized key.*lose.*malformed_request/);
    expect(f.host.changed).toBe(false);
  });

  it('an answer that does not fit its schema is an UnexpectedAnswerError', () => {
    expect(() => formatAnswer(request('state'), { run_id: 1 })).toThrow(UnexpectedAnswerError);
  });

  it('an API that is not there is a CtlError', async () => {
    const { url } = f.api;
    await f.api.close();
    await expect(callApi({ url }, request('state'))).rejects.toThrow(/cannot reach the control API at http:\/\/127\.0\.0\.1:\d+/);
  });
});
