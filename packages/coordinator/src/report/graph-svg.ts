/**
 * The drawing of a run's topology as a standalone SVG (written to the run directory): one line per
 * link, one dot per node with its id, and a caption. Dots, labels and lines shrink as the graph
 * grows, so a few hundred nodes or a dense mesh stay legible when zoomed; the canvas grows instead.
 */
import type { Graph } from '../topology/graph.js';
import { graphLayout, type Point } from './graph-layout.js';
import { formatTopology, type TopologySpec } from '../topology/topology-spec.js';

/** Pixels per layout unit (the smallest gap between two nodes), by node count. */
function pixelsPerUnit(n: number): number {
  if (n <= 40) return 36;
  if (n <= 150) return 26;
  return 18;
}

/** Thinner and fainter lines as links multiply, so a dense graph is not a solid blot. */
function lineStyle(edges: number): { width: number; opacity: number } {
  if (edges <= 100) return { width: 1.5, opacity: 0.8 };
  if (edges <= 1000) return { width: 0.8, opacity: 0.6 };
  if (edges <= 10_000) return { width: 0.4, opacity: 0.35 };
  return { width: 0.2, opacity: 0.15 };
}

const CAPTION_PX = 28;

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);
}

/** One decimal is sub-pixel; more only makes a dense mesh's file larger. */
const px = (v: number) => String(Math.round(v * 10) / 10);

export function graphSvg(graph: Graph, spec?: TopologySpec): string {
  const layout = graphLayout(graph, spec);
  const unit = pixelsPerUnit(graph.nodes.length);
  const radius = unit * 0.34;
  const points = [...layout.values()];
  const minX = Math.min(0, ...points.map((p) => p.x));
  const minY = Math.min(0, ...points.map((p) => p.y));
  const maxX = Math.max(0, ...points.map((p) => p.x));
  const maxY = Math.max(0, ...points.map((p) => p.y));
  const margin = unit;
  const width = Math.max(240, (maxX - minX) * unit + 2 * margin);
  const height = (maxY - minY) * unit + 2 * margin + CAPTION_PX;
  // Centre the drawing when the caption's minimum width is wider than the graph.
  const offsetX = (width - (maxX - minX) * unit) / 2;
  const at = (id: string): Point => {
    const p = layout.get(id) ?? { x: 0, y: 0 };
    return { x: offsetX + (p.x - minX) * unit, y: CAPTION_PX + margin + (p.y - minY) * unit };
  };
  const caption = `${spec ? `${formatTopology(spec)}: ` : ''}${graph.nodes.length} nodes, ${graph.edges.length} links`;
  const line = lineStyle(graph.edges.length);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${px(width)}" height="${px(height)}" viewBox="0 0 ${px(width)} ${px(height)}" font-family="sans-serif">`,
    `<title>${escapeXml(`agentnet topology ${caption}`)}</title>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${px(margin / 2)}" y="${px(CAPTION_PX * 0.7)}" font-size="14" fill="#222222">${escapeXml(caption)}</text>`,
    `<g stroke="#5a6b7b" stroke-width="${line.width}" stroke-opacity="${line.opacity}" stroke-linecap="round">`,
  ];
  for (const [a, b] of graph.edges) {
    const p = at(a);
    const q = at(b);
    out.push(`<line x1="${px(p.x)}" y1="${px(p.y)}" x2="${px(q.x)}" y2="${px(q.y)}"/>`);
  }
  out.push('</g>', `<g fill="#dbe9f6" stroke="#1f4e79" stroke-width="${px(Math.max(0.5, radius / 8))}">`);
  for (const id of graph.nodes) {
    const p = at(id);
    out.push(`<circle cx="${px(p.x)}" cy="${px(p.y)}" r="${px(radius)}"/>`);
  }
  out.push('</g>', `<g fill="#10273d" text-anchor="middle" dominant-baseline="central">`);
  for (const id of graph.nodes) {
    const p = at(id);
    // As large as fits inside the dot: ids are about 0.6 em per character.
    const size = Math.min(radius, (1.8 * radius) / (0.6 * Math.max(1, id.length)));
    out.push(`<text x="${px(p.x)}" y="${px(p.y)}" font-size="${px(size)}">${escapeXml(id)}</text>`);
  }
  out.push('</g>', '</svg>', '');
  return out.join('\n');
}
