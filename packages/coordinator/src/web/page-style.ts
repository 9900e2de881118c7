/** What report.html and the live dashboard share: their head and styles (each page adds its own). */

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A page's doctype and head: its title, and its styles inline (no request for an icon either). */
export function pageHead(title: string, style: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>${style.replaceAll('</style', '<\\/style')}</style>
</head>
`;
}

export const PAGE_STYLE = `
:root { --fg:#1d2433; --muted:#667085; --line:#d0d5dd; --bg:#fff; --ok:#12805c; --bad:#c4320a; --warn:#b54708; --accent:#2e62d9; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: #f6f7f9; margin: 0; }
header { background: var(--bg); border-bottom: 1px solid var(--line); padding: 14px 24px; }
header h1 { font-size: 18px; margin: 0 0 4px; }
header .sub { color: var(--muted); font-size: 13px; }
main { padding: 16px 24px 40px; display: grid; gap: 16px; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); }
section { background: var(--bg); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; min-width: 0; }
section.wide { grid-column: 1 / -1; }
section h2 { font-size: 15px; margin: 0 0 8px; }
section p.note { color: var(--muted); margin: 4px 0 8px; font-size: 12px; }
table { border-collapse: collapse; font-size: 13px; }
td, th { padding: 2px 10px 2px 0; text-align: left; vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.verdict { font-weight: 700; padding: 2px 8px; border-radius: 4px; color: #fff; }
.verdict.valid { background: var(--ok); } .verdict.invalid { background: var(--bad); } .verdict.unknown { background: var(--warn); }
.check-ok { color: var(--ok); } .check-fail { color: var(--bad); } .check-unknown { color: var(--warn); }
.lines { font-size: 15px; margin: 4px 0 10px; }
.warn { color: var(--warn); }
#flow-controls { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin-bottom: 8px; font-size: 13px; }
#flow-controls label { display: inline-flex; gap: 4px; align-items: center; }
#flow-controls input[type=number] { width: 90px; }
#flow-wrap { position: relative; border: 1px solid var(--line); border-radius: 4px; overflow: hidden; cursor: grab; }
#flow-canvas { display: block; width: 100%; }
#flow-status { color: var(--muted); font-size: 12px; margin-top: 4px; }
#flow-detail { font: 12px/1.4 ui-monospace, monospace; white-space: pre-wrap; background: #f6f7f9; border-radius: 4px; padding: 8px; margin-top: 8px; min-height: 40px; }
#flow-nodes { max-height: 70px; overflow: auto; display: inline-flex; flex-wrap: wrap; gap: 6px; }
.heat-wrap { overflow: auto; max-height: 620px; }
.legend { display: flex; flex-wrap: wrap; gap: 10px; font-size: 12px; color: var(--muted); }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; vertical-align: -1px; }
footer { color: var(--muted); font-size: 12px; padding: 0 24px 24px; }
`;
