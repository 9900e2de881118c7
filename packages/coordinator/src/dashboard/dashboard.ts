/**
 * The live dashboard, served by the control API on loopback: the page (`GET /dashboard`, which
 * holds no run data and so needs no token), a stream of the run's state every half second
 * (`GET /dashboard/stream`, server-sent events), the final report once written
 * (`GET /dashboard/report`), and `POST /dashboard/close`, which lets a run kept open for the
 * dashboard (`--dashboard`) exit. The page changes faults through the API's own routes, so the
 * dashboard and `ctl` share every check.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { ErrorCode, type Logger, type Report } from '@agentnet/protocol';
import type { ControlApiHost } from '../api/routes.js';
import { isJson } from '../api/content-type.js';
import { ApiError } from '../errors.js';
import { pageAssets } from '../web/page-bundle.js';
import { dashboardPage } from './dashboard-page.js';
import { createFeed, type DashboardEnd } from './dashboard-feed.js';

export const DASHBOARD_PATH = '/dashboard';
/** How often the stream sends the run's state. */
const TICK_MS = 500;
/** Without --dashboard, how long the coordinator waits for open pages to fetch the report before it exits. */
const HAND_OVER_MS = 5000;

export class Dashboard {
  private end: { path: string; summary: DashboardEnd } | undefined;
  private readonly closers = new Set<() => void>();
  /** Each open stream's send, so the run's end reaches every page at once. */
  private readonly streams = new Set<() => void>();
  private closeAsked = false;
  /** Pages told of the end, and reports served since: the hand-over waits for one per page. */
  private endsSent = 0;
  private reportsServed = 0;
  private readonly served = new Set<() => void>();

  /** `keepOpen`: after the run, serve the final report until the page closes the run or Ctrl-C. */
  constructor(readonly keepOpen: boolean) {}

  /**
   * The run's report.html is written: every open page turns into it. `keepOpen`: the coordinator
   * will serve it until the page closes the run (not when the run was interrupted).
   */
  finished(reportHtmlPath: string, report: Report, keepOpen: boolean): void {
    this.end = {
      path: reportHtmlPath,
      summary: { verdict: report.verdict?.valid ?? null, totals: report.totals, run_dir: report.run_dir, keep_open: keepOpen },
    };
    for (const tick of this.streams) tick();
  }

  /**
   * Without --dashboard: lets the pages that were open at the end fetch the report before the
   * coordinator exits, for at most a few seconds (a page may have gone without a word).
   */
  handOver(): Promise<void> {
    if (this.reportsServed >= this.endsSent) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.served.delete(check);
        resolve();
      };
      const check = (): void => {
        if (this.reportsServed >= this.endsSent) done();
      };
      const timer = setTimeout(done, HAND_OVER_MS);
      this.served.add(check);
    });
  }

  /** Resolves when the page asks to close, or on `signal` (Ctrl-C). */
  waitForClose(signal: AbortSignal): Promise<void> {
    if (this.closeAsked || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.closers.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.closers.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Whether `path` is one of the dashboard's own routes (all but the page need the run's token). */
  owns(path: string): boolean {
    return path === DASHBOARD_PATH || path.startsWith(`${DASHBOARD_PATH}/`);
  }

  async page(res: ServerResponse): Promise<void> {
    const { script, style } = await pageAssets('dashboard-main');
    send(res, 200, 'text/html; charset=utf-8', dashboardPage(script, style));
  }

  /**
   * Serves a dashboard route other than the page; false when there is none such. A refusal is an
   * ApiError, answered and logged by the API's server like any other.
   */
  async serve(req: IncomingMessage, res: ServerResponse, method: string, path: string, host: ControlApiHost, log: Logger): Promise<boolean> {
    if (method === 'GET' && path === `${DASHBOARD_PATH}/stream`) {
      this.stream(req, res, host, log);
      return true;
    }
    if (method === 'GET' && path === `${DASHBOARD_PATH}/report`) {
      if (!this.end) throw new ApiError(404, ErrorCode.key_does_not_exist, 'the report is not written yet');
      send(res, 200, 'text/html; charset=utf-8', await readFile(this.end.path));
      this.reportsServed++;
      for (const check of [...this.served]) check();
      return true;
    }
    if (method === 'POST' && path === `${DASHBOARD_PATH}/close`) {
      // JSON only: a cross-site form or a simple request cannot send it, so no other page can close the run.
      if (!isJson(req.headers['content-type'])) throw new ApiError(415, ErrorCode.not_supported, 'send {} as application/json');
      req.resume();
      send(res, 202, 'application/json; charset=utf-8', `${JSON.stringify({ closing: this.end !== undefined })}\n`);
      if (this.end) {
        this.closeAsked = true;
        for (const close of [...this.closers]) close();
      }
      return true;
    }
    return false;
  }

  private stream(req: IncomingMessage, res: ServerResponse, host: ControlApiHost, log: Logger): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    const feed = createFeed(host);
    let told = false;
    const tick = () => {
      // A page that does not read (a stalled tab) skips snapshots instead of piling them up here.
      if (res.writableEnded || (res.writableNeedDrain && !(this.end && !told))) return;
      res.write(`data: ${JSON.stringify(feed.next(this.end?.summary))}\n\n`);
      if (this.end && !told) {
        told = true;
        this.endsSent++;
      }
    };
    tick();
    const timer = setInterval(tick, TICK_MS);
    this.streams.add(tick);
    const stop = () => {
      clearInterval(timer);
      this.streams.delete(tick);
    };
    req.once('close', stop);
    res.once('close', stop);
    res.on('error', (err) => log.debug({ err }, 'dashboard_stream_error'));
    log.debug({ path: req.url }, 'dashboard_stream');
  }
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}
