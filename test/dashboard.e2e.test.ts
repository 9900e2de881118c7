/**
 * The live dashboard in a real browser (headless Chromium), on an open-ended run (--duration open)
 * with --security on: the page
 * at the URL the run prints follows the run (topology and link states, nodes), its controls apply
 * a partition, a pause and a resume through the control API (a refused one shows the API's own
 * reason), its Stop button ends the run, the page then becomes the final report, whose faults are
 * the ones clicked, and its Close button lets the coordinator exit. Without the run's token the
 * stream and the report are refused; the page itself holds no data.
 */
import { describe, expect, it } from 'vitest';
import { completedRun, useClusters } from './helpers/cluster.js';
import { controlFileOf, pollUntil, runState } from './helpers/run-control.js';
import { waitUntil } from './helpers/processes.js';
import { browserSkipNote, openPage, screenshotPath, startBrowser } from './helpers/browser.js';

const startCluster = useClusters();
const SKIP = browserSkipNote('dashboard.e2e');

describe.skipIf(SKIP)('live dashboard', () => {
  it('drives a running cluster from the page and becomes its report', async () => {
    const run = startCluster(['--nodes', '4', '--duration', 'open', '--interval', '50:150', '--seed', '8', '--security', 'on', '--dashboard']);
    const control = await controlFileOf(run.dir);
    const printed = await waitUntil(() => /dashboard: (http:\/\/127\.0\.0\.1:\d+\/dashboard#token=\S+)/.exec(run.stderr())?.[1], 30_000, 'the dashboard URL on the terminal');
    expect(printed).toBe(`${control.url}/dashboard#token=${control.token}`);
    await pollUntil(async () => (await runState(run.dir)).phase === 'running', 60_000, 'the run to run');

    // The page is open to anyone on loopback; the run's data is not.
    expect((await fetch(`${control.url}/dashboard`)).status).toBe(200);
    expect((await fetch(`${control.url}/dashboard/stream`)).status).toBe(401);
    expect((await fetch(`${control.url}/dashboard/report`)).status).toBe(401);
    // With the token: no report before the end, and close takes JSON only; both refused as the API refuses.
    const auth = { authorization: `Bearer ${control.token}` };
    const early = await fetch(`${control.url}/dashboard/report`, { headers: auth });
    expect(early.status).toBe(404);
    expect(await early.json()).toEqual({ type: 'error', code: 20, text: 'the report is not written yet' });
    const form = await fetch(`${control.url}/dashboard/close`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, body: 'x=1' });
    expect(form.status).toBe(415);
    expect(await form.json()).toEqual({ type: 'error', code: 10, text: 'send {} as application/json' });

    const browser = await startBrowser();
    const { page, errors, requests } = await openPage(browser, printed);
    const links = page.locator('#live-topology line.link');
    await page.waitForFunction("document.querySelectorAll('#live-topology line.link').length === 6 && document.querySelectorAll('#nodes tbody tr').length === 4");
    expect(await page.locator('#live-topology line[data-state=up]').count()).toBe(6);

    await page.fill('#partition-groups', 'n0,n1 | n2,n3');
    await page.fill('#partition-name', 'split');
    await page.click('#partition-apply');
    await page.waitForFunction("document.querySelectorAll('#live-topology line[data-state=partitioned]').length === 4");
    expect(await page.textContent('#control-answer')).toContain('partition: done');
    expect(await links.count()).toBe(6);
    // Applying it again is refused by the API, with its reason, and changes nothing.
    await page.click('#partition-apply');
    await page.waitForFunction("document.querySelector('#control-answer')?.textContent?.includes('refused (409)')");
    expect(await page.textContent('#control-answer')).toContain('"split" is already in force');

    await page.selectOption('#node-select', 'n3');
    await page.click('#node-pause');
    await page.waitForSelector('#nodes tr[data-node=n3] .state-paused', { state: 'attached' });
    await page.click('#node-resume');
    await page.waitForSelector('#nodes tr[data-node=n3] .state-up', { state: 'attached' });
    await page.waitForFunction("document.querySelector('#feed')?.textContent?.includes('fault resume')");
    await page.screenshot({ path: screenshotPath('dashboard'), fullPage: true });

    await page.click('#stop-run');
    await page.waitForSelector('#dashboard-close', { timeout: 60_000 });
    await page.waitForSelector('body[data-ready=true]');
    const report = run.report();
    expect(await page.title()).toContain(report.run_id);
    expect(await page.textContent('#faults')).toContain('split');
    expect(report.stopped_by).toBe('api');
    expect(report.rerun).toContain('--duration open');
    expect(report.faults.map((f) => f.kind)).toEqual(['partition', 'pause', 'resume']);
    expect(report.faults[0]?.name).toBe('split');

    await page.click('#dashboard-close');
    await completedRun(run);
    // The refused partition is the only failed request the browser saw.
    expect(errors.filter((e) => !e.includes('status of 409'))).toEqual([]);
    expect(errors.length).toBe(1);
    expect(requests.every((u) => u.startsWith(`${control.url}/`))).toBe(true);
  });
});
