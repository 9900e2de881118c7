/** report.html's frame: its sections, filled in by the page's code from the run's data. */

/** The sections, in reading order; ids are what the page's code (and the browser tests) look for. */
export function pageBody(): string {
  const section = (id: string, title: string, wide = false): string =>
    `<section id="${id}"${wide ? ' class="wide"' : ''}><h2>${title}</h2><div class="body"></div></section>`;
  return `<body>
<header><h1 id="title">agentnet run</h1><div class="sub" id="subtitle"></div></header>
<main>
${section('summary', 'Summary and verdict', true)}
${section('flow', 'Message flow: every message, one lane per node', true)}
${section('rate', 'Message rate over time')}
${section('nodes', 'Per node: sent, received, dropped')}
${section('latency-histogram', 'Latency: observed against injected')}
${section('latency-cdf', 'Latency CDF and overhead')}
${section('links', 'Per pair of nodes: sender to destination')}
${section('topology', 'Topology')}
${section('algorithm', 'The algorithm over time')}
${section('workload', 'Workload')}
${section('faults', 'Faults')}
</main>
<footer id="footer"></footer>
`;
}
