/**
 * The topology drawing: well-formed XML (checked by a small tag parser), one circle per node and
 * one line per link at the right coordinates, labels escaped, each topology in its own layout,
 * and dots and lines that shrink as the graph grows.
 */
import { describe, expect, it } from 'vitest';
import { makeGraph } from '../topology/graph.js';
import { graphSvg } from './graph-svg.js';
import { buildTopology, nodeIds, parseTopology } from '../topology/topology.js';

interface Element {
  name: string;
  attrs: Record<string, string>;
  text: string;
}

/**
 * Parses the SVG as XML just far enough to check it: tags balance under one root, attributes are
 * quoted, text holds no raw < or stray &. Returns the elements in document order.
 */
function parseXml(xml: string): Element[] {
  const out: Element[] = [];
  const open: Element[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  let pos = 0;
  let roots = 0;
  while (pos < xml.length) {
    const lt = xml.indexOf('<', pos);
    const text = xml.slice(pos, lt < 0 ? xml.length : lt);
    expect(text, `text at ${pos}`).not.toMatch(/&(?!(lt|gt|amp|quot|apos);)/);
    if (open.length > 0) (open.at(-1) as Element).text += text;
    else expect(text.trim(), 'text outside the root').toBe('');
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(xml);
    expect(m, `a well-formed tag at ${lt}: ${xml.slice(lt, lt + 60)}`).not.toBeNull();
    const [all, close, name, attrText, selfClose] = m as RegExpExecArray;
    if (close) {
      expect(open.pop()?.name, `</${name}> closes the open element`).toBe(name);
    } else {
      const attrs = Object.fromEntries([...(attrText ?? '').matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]]));
      const element = { name: name as string, attrs, text: '' };
      out.push(element);
      if (open.length === 0) roots++;
      if (!selfClose) open.push(element);
    }
    pos = lt + all.length;
  }
  expect(open.map((e) => e.name), 'unclosed elements').toEqual([]);
  expect(roots).toBe(1);
  return out;
}

function draw(text: string, n: number) {
  const spec = parseTopology(text);
  const graph = buildTopology(spec, nodeIds(n), 1).graph;
  const elements = parseXml(graphSvg(graph, spec));
  const circles = elements.filter((e) => e.name === 'circle');
  const at = new Map(circles.map((c, i) => [graph.nodes[i] as string, { x: Number(c.attrs.cx), y: Number(c.attrs.cy) }]));
  return { graph, elements, circles, lines: elements.filter((e) => e.name === 'line'), at };
}

describe('graphSvg', () => {
  it.each<[string, number]>([
    ['mesh', 2],
    ['ring', 12],
    ['line', 5],
    ['star', 16],
    ['tree:3', 40],
    ['grid', 10],
    ['random:0.1', 200],
    ['regular:3', 40],
    ['small-world:4:0.2', 40],
    ['scale-free:2', 200],
  ])('%s on %d nodes: one root <svg>, a circle and a label per node, a line per link', (text, n) => {
    const { graph, elements, circles, lines, at } = draw(text, n);
    expect(elements[0]?.name).toBe('svg');
    expect(elements[0]?.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(circles).toHaveLength(n);
    expect(lines).toHaveLength(graph.edges.length);
    const labels = elements.filter((e) => e.name === 'text').slice(1);
    expect(labels.map((t) => t.text)).toEqual(graph.nodes);
    expect(elements.find((e) => e.name === 'title')?.text).toContain(`${n} nodes, ${graph.edges.length} links`);
    // Each line runs between the circles of its link's ends, all inside the canvas.
    const [width, height] = [Number(elements[0]?.attrs.width), Number(elements[0]?.attrs.height)];
    graph.edges.forEach(([a, b], i) => {
      const l = lines[i]?.attrs ?? {};
      expect([Number(l.x1), Number(l.y1), Number(l.x2), Number(l.y2)]).toEqual([at.get(a)?.x, at.get(a)?.y, at.get(b)?.x, at.get(b)?.y]);
    });
    for (const { x, y } of at.values()) {
      expect(x).toBeGreaterThan(0);
      expect(x).toBeLessThan(width);
      expect(y).toBeGreaterThan(0);
      expect(y).toBeLessThan(height);
    }
    expect(new Set([...at.values()].map(({ x, y }) => `${x},${y}`)).size, 'no two nodes on one spot').toBe(n);
  });

  it('escapes ids and needs no spec', () => {
    const svg = graphSvg(makeGraph(['a&b', '<c>', '"d"'], [['a&b', '<c>'], ['<c>', '"d"']]));
    const labels = parseXml(svg).filter((e) => e.name === 'text').slice(1);
    expect(labels.map((t) => t.text)).toEqual(['a&amp;b', '&lt;c&gt;', '&quot;d&quot;']);
  });

  it('draws a grid in rows, a line as a snake, a star around its hub, a ring on a circle', () => {
    const grid = draw('grid', 16).at;
    expect(new Set(['n0', 'n1', 'n2', 'n3'].map((id) => grid.get(id)?.y)).size).toBe(1);
    expect(new Set(['n0', 'n4', 'n8', 'n12'].map((id) => grid.get(id)?.x)).size).toBe(1);
    const line = draw('line', 12).at;
    expect(line.get('n4')?.x).toBe(line.get('n3')?.x);
    expect(line.get('n4')?.y).toBeGreaterThan(line.get('n3')?.y ?? Infinity);
    const star = draw('star', 9).at;
    const leaves = [...star.entries()].filter(([id]) => id !== 'n0').map(([, p]) => p);
    expect(leaves.reduce((s, p) => s + p.x, 0) / 8).toBeCloseTo(star.get('n0')?.x ?? NaN, 0);
    expect(leaves.reduce((s, p) => s + p.y, 0) / 8).toBeCloseTo(star.get('n0')?.y ?? NaN, 0);
    const ring = [...draw('ring', 12).at.values()];
    const c = { x: ring.reduce((s, p) => s + p.x, 0) / 12, y: ring.reduce((s, p) => s + p.y, 0) / 12 };
    const radii = ring.map((p) => Math.hypot(p.x - c.x, p.y - c.y));
    expect(Math.max(...radii) - Math.min(...radii)).toBeLessThan(0.5);
  });

  it('draws a tree in rows under its root, each parent centred over its children', () => {
    const { at } = draw('tree:3', 13);
    expect(at.get('n1')?.y).toBeGreaterThan(at.get('n0')?.y ?? Infinity);
    expect(at.get('n4')?.y).toBeGreaterThan(at.get('n1')?.y ?? Infinity);
    expect(at.get('n0')?.x).toBeCloseTo(at.get('n2')?.x ?? NaN, 0);
    expect(at.get('n1')?.x).toBeCloseTo(at.get('n5')?.x ?? NaN, 0);
    expect(at.get('n3')?.x).toBeGreaterThan(at.get('n1')?.x ?? Infinity);
  });

  it('shrinks dots and thins lines as the graph grows, and grows the canvas', () => {
    const small = draw('ring', 12);
    const large = draw('ring', 200);
    expect(Number(large.circles[0]?.attrs.r)).toBeLessThan(Number(small.circles[0]?.attrs.r));
    expect(Number(large.elements[0]?.attrs.width)).toBeGreaterThan(Number(small.elements[0]?.attrs.width));
    const strokeOf = (d: ReturnType<typeof draw>) => Number(d.elements.find((e) => e.name === 'g')?.attrs['stroke-width']);
    expect(strokeOf(draw('mesh', 40))).toBeLessThan(strokeOf(small));
  });
});
