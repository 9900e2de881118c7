/**
 * The coordinator's control API: HTTP+JSON on loopback, so a second terminal (`npm run ctl`) can
 * look at a running cluster and change its faults. It binds 127.0.0.1 whatever address the
 * control WebSocket server binds. With `--security on` every call must carry the run's API token
 * (`authorization: Bearer`, from the run's 0600 control.json); without it the API trusts whoever
 * reaches loopback.
 * Routes and their checks are in control-routes.ts; this file is the transport: bodies, content
 * types, size limit, error bodies and logging.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ErrorCode, REFUSALS, type ErrorBody, type Logger } from '@agentnet/protocol';
import type { RunGuard } from '../security/run-guard.js';
import { ApiError } from '../errors.js';
import { API_BODY_LIMIT_BYTES } from './schema.js';
import { resolveRoute, type ControlApiHost, type Endpoint } from './routes.js';
import { isJson } from './content-type.js';
import { DASHBOARD_PATH, type Dashboard } from '../dashboard/dashboard.js';

export type { ControlApiHost } from './routes.js';

const LOOPBACK = '127.0.0.1';

export class ControlApi {
  private constructor(
    private readonly server: Server,
    /** `http://127.0.0.1:PORT`. */
    readonly url: string,
  ) {}

  static listen(port: number, host: ControlApiHost, log: Logger, guard?: RunGuard, dashboard?: Dashboard): Promise<ControlApi> {
    const server = createServer({ requestTimeout: 10_000 }, (req, res) => {
      handle(req, res, host, log, guard, dashboard).catch((err: unknown) => log.error({ err, method: req.method, path: req.url }, 'api_failed'));
    });
    server.on('clientError', (err: Error, socket: Socket) => {
      log.warn({ err, remote: socket.remoteAddress }, 'reject');
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
      else socket.destroy();
    });
    server.on('connection', (socket: Socket) => socket.on('error', (err) => log.debug({ err }, 'api_socket_error')));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, LOOPBACK, () => {
        server.removeListener('error', reject);
        server.on('error', (err) => log.error({ err }, 'api_error'));
        const address = server.address();
        const bound = typeof address === 'object' && address ? address : { address: LOOPBACK, port };
        const api = new ControlApi(server, `http://${bound.address}:${bound.port}`);
        log.info({ url: api.url }, 'api_listening');
        resolve(api);
      });
    });
  }

  /** Stops accepting and cuts every connection still open. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

async function handle(req: IncomingMessage, res: ServerResponse, host: ControlApiHost, log: Logger, guard: RunGuard | undefined, dashboard: Dashboard | undefined): Promise<void> {
  req.on('error', (err) => log.debug({ err }, 'api_request_error'));
  res.on('error', (err) => log.debug({ err }, 'api_response_error'));
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', `http://${LOOPBACK}`);
  const path = url.pathname;
  try {
    // Loopback only, by name too: a web page whose name was rebound to 127.0.0.1 (DNS rebinding) sends its own name as Host.
    const port = req.socket.localPort;
    const hostHeader = (req.headers.host ?? '').toLowerCase();
    if (hostHeader !== `${LOOPBACK}:${port}` && hostHeader !== `localhost:${port}`) {
      throw new ApiError(421, ErrorCode.malformed_request, `this API answers requests for ${LOOPBACK}:${port} or localhost:${port} only (Host: ${hostHeader.slice(0, 100) || 'none'})`);
    }
    // The dashboard's page holds no run data; what it then asks for carries the token like any call.
    if (dashboard && method === 'GET' && path === DASHBOARD_PATH) return await dashboard.page(res);
    const refused = guard?.api(req.headers.authorization);
    if (refused) throw new ApiError(401, ErrorCode.unauthorized, `${REFUSALS[refused]}: send the run's token (control.json) as authorization: Bearer`);
    if (dashboard?.owns(path) && (await dashboard.serve(req, res, method, path, host, log))) return;
    const { endpoint, params } = resolveRoute(method, path);
    const body = await bodyOf(req, endpoint);
    const result = endpoint.run(host, { params, query: url.searchParams, body });
    send(res, result.status, result.body, result.headers);
    const fields = { method, path, status: result.status };
    if (result.changed) log.info(fields, 'api');
    else log.debug(fields, 'api');
  } catch (err) {
    const refusal = err instanceof ApiError ? err : new ApiError(500, ErrorCode.crash, `internal error: ${(err as Error).message}`);
    const error: ErrorBody = { type: 'error', code: refusal.code, text: refusal.message };
    send(res, refusal.status, error, refusal.allow === undefined ? undefined : { allow: refusal.allow });
    if (refusal.status >= 500) log.error({ err, method, path, status: refusal.status }, 'api_failed');
    else log.warn({ err: refusal, method, path, status: refusal.status }, 'reject');
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** The request's JSON body, checked against what the endpoint takes; undefined when empty. */
async function bodyOf(req: IncomingMessage, endpoint: Endpoint): Promise<unknown> {
  if (endpoint.body === 'none') return undefined;
  const declared = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if ((endpoint.body === 'json' || declared) && !isJson(req.headers['content-type'])) {
    throw new ApiError(415, ErrorCode.not_supported, `the body must be JSON (content-type: application/json), not ${req.headers['content-type'] ?? 'untyped'}`);
  }
  const raw = await readBody(req);
  if (raw === undefined) throw new ApiError(413, ErrorCode.frame_too_large, `the body is larger than ${API_BODY_LIMIT_BYTES} bytes`);
  const text = raw.toString('utf8');
  if (text.trim() === '') {
    if (endpoint.body === 'optional') return undefined;
    throw new ApiError(400, ErrorCode.malformed_request, 'the body is empty; send one action as JSON, e.g. {"crash":"n2"}');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ApiError(400, ErrorCode.malformed_request, `the body is not JSON: ${(err as Error).message}`);
  }
}

/**
 * Reads the whole body; undefined when it is over the limit. A too large body is still read to its
 * end (and thrown away), so the client gets its 413 instead of a connection reset mid-upload.
 */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= API_BODY_LIMIT_BYTES) chunks.push(chunk);
    });
    req.once('end', () => resolve(size > API_BODY_LIMIT_BYTES ? undefined : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}
