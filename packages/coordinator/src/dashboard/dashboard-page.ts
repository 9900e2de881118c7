/** The live dashboard's page: its frame and styles; the page's code fills it from the stream. */
import { PAGE_STYLE, pageHead } from '../web/page-style.js';

const DASHBOARD_STYLE = `
.controls { display: grid; gap: 8px; font-size: 13px; }
.controls form { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 0; }
.controls input[type=text] { width: 200px; }
.controls .answer { font: 12px ui-monospace, monospace; white-space: pre-wrap; min-height: 1.4em; }
.answer.refused { color: var(--bad); }
#feed { max-height: 260px; overflow: auto; font: 12px/1.5 ui-monospace, monospace; margin: 0; padding: 0; list-style: none; }
#phase { font-weight: 700; }
.state-up { color: var(--ok); } .state-lost { color: var(--bad); } .state-paused { color: var(--warn); }
`;

export function dashboardPage(script: string, style: string): string {
  const section = (id: string, title: string, body = '', wide = false): string => `<section id="${id}"${wide ? ' class="wide"' : ''}><h2>${title}</h2><div class="body">${body}</div></section>`;
  return `${pageHead('agentnet dashboard', `${style}\n${PAGE_STYLE}\n${DASHBOARD_STYLE}`)}<body>
<header><h1 id="title">agentnet dashboard</h1><div class="sub"><span id="phase">connecting…</span> <span id="clock"></span> <span id="totals"></span></div></header>
<main>
${section('controls', 'Faults: apply now (the same checks as npm run ctl)', '<div class="controls" id="control-forms"></div>')}
${section('topology', 'Topology and link states')}
${section('nodes', 'Nodes')}
${section('rate', 'Messages per second')}
${section('faults', 'Faults in force and so far')}
${section('feed-section', 'Events', '<ul id="feed"></ul>')}
</main>
<footer id="footer">The page follows the run live; when the run ends it becomes the run's report.</footer>
<script>${script.replaceAll('</script', '<\\/script')}</script>
</body>
</html>
`;
}
