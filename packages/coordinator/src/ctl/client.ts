/**
 * How `npm run ctl` reaches a run's control API: the URL from `<run dir>/control.json` (checked
 * against the coordinator's pid, so a finished run is named as such), then one HTTP request.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorBody, describeIssues, errorCodeName } from '@agentnet/protocol';
import { CONTROL_FILE, ControlFile } from '../api/schema.js';
import type { CtlRequest } from './command.js';

/** How long one request may take. */
const REQUEST_TIMEOUT_MS = 10_000;

/** The API cannot be found or reached, or refused the request; the message says which. */
export class CtlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CtlError';
  }
}

/** Where the control API is, and its token when the run has `--security on`. */
export interface ApiAddress {
  url: string;
  token?: string | undefined;
}

/** The API's URL (and token) from the control file of the run in `dir`. */
export function findApi(dir: string, isAlive: (pid: number) => boolean = pidAlive): ApiAddress {
  const path = join(dir, CONTROL_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new CtlError(`no ${CONTROL_FILE} in ${dir}: no run with a control API is there (start one with npm run cluster, or pass --run DIR or --url URL)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CtlError(`${path} is not JSON: ${(err as Error).message}`);
  }
  const parsed = ControlFile.safeParse(json);
  if (!parsed.success) throw new CtlError(`${path} is not a control file: ${describeIssues(parsed.error)}`);
  if (!isAlive(parsed.data.pid)) throw new CtlError(`the run in ${dir} has ended (its coordinator, pid ${parsed.data.pid}, is gone)`);
  return { url: parsed.data.url, token: parsed.data.token };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type CtlAnswer = { ok: true; status: number; body: unknown } | { ok: false; status: number; body: unknown; error: string };

/** Sends one request; a refusal comes back as `ok: false` with the API's text. */
export async function callApi(api: ApiAddress, request: CtlRequest): Promise<CtlAnswer> {
  const { url } = api;
  const headers: Record<string, string> = {
    ...(api.token === undefined ? {} : { authorization: `Bearer ${api.token}` }),
    ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
  };
  let res: Response;
  try {
    res = await fetch(`${url}${request.path}`, {
      method: request.method,
      headers,
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (err) {
    const cause = (err as { cause?: Error }).cause?.message ?? (err as Error).message;
    throw new CtlError(`cannot reach the control API at ${url}: ${cause}`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new CtlError(`the control API at ${url} answered HTTP ${res.status} with something that is not JSON: ${text.slice(0, 200)}`);
  }
  if (res.ok) return { ok: true, status: res.status, body };
  const error = ErrorBody.safeParse(body);
  const why = error.success ? `${error.data.text} (HTTP ${res.status}, ${errorCodeName(error.data.code)})` : `HTTP ${res.status}: ${text.slice(0, 200)}`;
  return { ok: false, status: res.status, body, error: why };
}
