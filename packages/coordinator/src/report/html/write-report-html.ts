/**
 * `report.html`: one self-contained page of the run (data, code and styles inline), written beside
 * report.json in chunks so a run of a million messages never becomes one string.
 */
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pageAssets } from '../../web/page-bundle.js';
import { PAGE_STYLE, pageHead } from '../../web/page-style.js';
import { buildPageModel, type RunFiles } from './page-model-build.js';
import { pageBody } from './page-template.js';

export const REPORT_HTML_FILE = 'report.html';

/** JSON that is safe inside a <script> element: no `</script>` or `<!--` can end it early. */
export const scriptJson = (value: unknown): string => JSON.stringify(value).replaceAll('<', '\\u003c');

/** The files of a run that report.html is built from, as the run wrote them. */
export function runFileNames(run: { events?: readonly unknown[] | undefined; history?: readonly unknown[] | undefined }): string[] {
  return ['report.json', 'messages.jsonl', ...(run.events && run.events.length > 0 ? ['events.jsonl'] : []), ...(run.history ? ['history.jsonl'] : [])];
}

export async function writeReportHtml(dir: string, run: RunFiles): Promise<string> {
  const { model, messages } = buildPageModel(run);
  const { script, style } = await pageAssets('report-main');
  const path = join(dir, REPORT_HTML_FILE);
  // Written beside and renamed into place: a reader (or a rebuild cut short) never finds half a page.
  const tmp = `${path}.${process.pid}.tmp`;
  const file = await open(tmp, 'w');
  try {
    await file.write(pageHead(`agentnet run ${model.report.run_id}`, `${style}\n${PAGE_STYLE}`));
    await file.write(pageBody());
    await file.write(`<script type="application/json" id="model">${scriptJson(model)}</script>\n`);
    await file.write(`<script type="application/json" id="messages">${scriptJson(messages.columns)}</script>\n`);
    await file.write(`<script type="application/json" id="message-ids">${scriptJson(messages.ids)}</script>\n`);
    await file.write(`<script type="application/json" id="message-bodies">${scriptJson(messages.bodies)}</script>\n`);
    await file.write(`<script>${script.replaceAll('</script', '<\\/script')}</script>\n</body>\n</html>\n`);
  } catch (err) {
    await file.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await file.close();
  await rename(tmp, path);
  return path;
}
