/**
 * report.html in a real browser (headless Chromium): every run writes it, `npm run report` builds
 * the same page again from the run's files, and the page opened from file:// shows the run's own
 * numbers, draws every message of the flow diagram, filters it, and shows a clicked message with
 * its journal records; with no console error and no request beyond the file itself.
 */
import { describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { completedRun, scenarioFile, useClusters } from './helpers/cluster.js';
import { spawnTs, ROOT } from './helpers/processes.js';
import { browserSkipNote, openPage, screenshotPath, startBrowser } from './helpers/browser.js';
import { laneHeightFor, laneY, timeX } from '../packages/coordinator/src/web/browser/flow-geometry.js';

const startCluster = useClusters();
const SKIP = browserSkipNote('report-html.e2e');

describe.skipIf(SKIP)('report.html', () => {
  it('is rebuilt identically by npm run report, and shows the run, its messages and a clicked message in Chromium', async () => {
    const scenario = scenarioFile('timeline:\n  - { at: 400ms, partition: { name: split, groups: [[n0, n1], [n2, n3]] } }\n  - { at: 1000ms, heal: split }\n');
    const run = startCluster(['--nodes', '4', '--duration', '1600ms', '--interval', '30:90', '--seed', '11', '--scenario', scenario]);
    const { report, messages } = await completedRun(run);
    const page = join(run.dir, 'report.html');
    copyFileSync(page, join(run.dir, 'report.first.html'));
    const rebuilt = spawnTs(join(ROOT, 'scripts/report.ts'), [run.dir]);
    expect((await rebuilt.exit).code, rebuilt.stderr()).toBe(0);
    expect(rebuilt.stdout()).toContain(`wrote ${page} (${messages.length} messages`);
    expect(readFileSync(page).equals(readFileSync(join(run.dir, 'report.first.html'))), 'the rebuilt page is byte for byte the one the run wrote').toBe(true);

    const browser = await startBrowser();
    const url = pathToFileURL(page).href;
    const { page: p, errors, requests } = await openPage(browser, url);
    await p.waitForSelector('body[data-ready=true]');
    expect(await p.title()).toContain(report.run_id);
    expect(await p.textContent('#notebook-lines')).toContain(`Total messages exchanged: ${report.summary.total_exchanged}`);
    expect(await p.textContent('#accounting')).toContain(`sent ${report.totals.sent} = delivered ${report.totals.delivered} + dropped ${report.totals.dropped}`);
    expect(await p.textContent('#flow-status')).toContain(`${messages.length} messages in the run; ${messages.length} in this window`);
    expect(await p.locator('#nodes tbody tr').count()).toBe(4);
    expect(await p.locator('#topology-svg line.edge').count()).toBe(6);
    expect(await p.locator('#rate canvas').count()).toBeGreaterThan(0);
    expect(await p.locator('#latency-histogram canvas').count()).toBeGreaterThan(0);
    expect(await p.textContent('#faults')).toContain('split');
    await p.screenshot({ path: screenshotPath('report'), fullPage: true });

    // Zoom to one delivered message's flight and click the middle of its arrow.
    const startedAt = Date.parse(report.started_at);
    const m = messages.find((x) => x.status === 'delivered' && x.received_at !== null && x.received_at - x.sent_at > 2) ?? messages[0]!;
    const t0 = m.sent_at - startedAt - 1;
    const t1 = (m.received_at as number) - startedAt + 1;
    await p.fill('#flow-from', String(t0));
    await p.fill('#flow-to', String(t1));
    await p.click('#flow-apply');
    const box = (await p.locator('#flow-canvas').boundingBox())!;
    const lanes = report.per_node.map((n) => n.id);
    const view = { t0, t1, width: box.width, height: box.height, laneHeight: laneHeightFor(lanes.length) };
    const y = (id: string) => laneY(view, lanes.indexOf(id));
    const x = (t: number) => timeX(view, t);
    const midT = (m.sent_at + (m.received_at as number)) / 2 - startedAt;
    await p.mouse.click(box.x + x(midT), box.y + (y(m.src) + y(m.dest)) / 2);
    const detail = await p.textContent('#flow-detail');
    expect(detail).toMatch(new RegExp(`^message \\S+: ${m.src} → ${m.dest}`));
    expect(detail).toContain('journal records:');
    expect(detail).toContain(`send  at ${m.src}`);
    expect(detail).toContain(`recv  at ${m.dest}`);
    expect(m.body).toMatch(/^\{"type":"chatter","text":"Hello from /);
    expect(detail).toContain(`body (as journaled: JSON, cut to 200 characters): ${m.body}`);
    // The clicked message is one the run journaled.
    const id = /^message (\S+):/.exec(detail ?? '')?.[1];
    expect(messages.some((x) => x.id === id && x.src === m.src && x.dest === m.dest)).toBe(true);

    // Filters: no node, nothing shown; dropped only, exactly the run's drops.
    await p.click('#flow-reset');
    await p.click('#flow-none');
    expect(await p.textContent('#flow-status')).toContain('; 0 in this window');
    await p.click('#flow-all');
    await p.uncheck('#flow-status-0');
    await p.uncheck('#flow-status-2');
    expect(await p.textContent('#flow-status')).toContain(`; ${messages.filter((x) => x.status === 'dropped').length} in this window`);

    expect(errors).toEqual([]);
    expect(requests.every((r) => r === url)).toBe(true);
  });
});
