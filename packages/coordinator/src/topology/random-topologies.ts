/**
 * The random topologies: Erdős–Rényi, random regular, Watts–Strogatz and Barabási–Albert. Each draw
 * takes one generator keyed by (seed, 'topology', kind, attempt), so the same seed gives the same
 * graph on any machine; a draw that is not connected (or, for regular, gets stuck) is replaced by
 * the next attempt's, up to MAX_ATTEMPTS, after which the error says what to change.
 *
 * The callers have checked the parameters against n (topologyProblem): k < n, n*k even, and so on.
 */
import { keyedRng, type Rng } from '@agentnet/protocol';
import { TopologyError } from './topology-spec.js';
import { meshPairs, type IndexPair } from './topology-generators.js';

export const MAX_ATTEMPTS = 1000;

/** Whether the pairs link all of 0..n-1 into one component (union-find, for the redraw loops). */
export function pairsConnected(n: number, pairs: readonly IndexPair[]): boolean {
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => {
    let r = x;
    while (parent[r] !== r) r = parent[r] as number;
    while (parent[x] !== r) [x, parent[x]] = [parent[x] as number, r];
    return r;
  };
  let groups = n;
  for (const [a, b] of pairs) {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) {
      parent[ra] = rb;
      groups--;
    }
  }
  return groups <= 1;
}

function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

function drawRng(seed: number, kind: string, attempt: number): Rng {
  return keyedRng(seed, 'topology', kind, attempt);
}

/**
 * Erdős–Rényi G(n, p): each of the n(n-1)/2 pairs is a link with probability p, drawn in pair
 * order from one generator per attempt. The same seed with a larger p gives a supergraph of the
 * same attempt's draw, since every pair compares the same number against p.
 */
export function randomPairs(n: number, p: number, seed: number): IndexPair[] {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const rng = drawRng(seed, 'random', attempt);
    const pairs: IndexPair[] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (rng.next() < p) pairs.push([i, j]);
    if (pairsConnected(n, pairs)) return pairs;
  }
  const threshold = Math.log(n) / n;
  throw new TopologyError(`random:${p} on ${n} nodes was not connected in ${MAX_ATTEMPTS} draws; try P >= ~ln(n)/n = ${threshold.toPrecision(2)}`);
}

/**
 * One attempt at a uniform-ish simple d-regular graph by the pairing of Steger and Wormald (1999),
 * as networkx's random_regular_graph does it: shuffle the n*d stubs, keep every pair that is
 * neither a loop nor a repeat, and pair the leftovers again; give up (null) when no two leftover
 * nodes could still be linked, or after a bounded number of rounds.
 */
function pairing(n: number, d: number, rng: Rng): IndexPair[] | null {
  const edges = new Set<number>();
  let stubs = Array.from({ length: n * d }, (_, s) => Math.floor(s / d));
  for (let round = 0; stubs.length > 0; round++) {
    if (round >= 100) return null;
    shuffle(stubs, rng);
    const left = new Map<number, number>();
    for (let s = 0; s + 1 < stubs.length; s += 2) {
      const a = Math.min(stubs[s] as number, stubs[s + 1] as number);
      const b = Math.max(stubs[s] as number, stubs[s + 1] as number);
      if (a !== b && !edges.has(a * n + b)) {
        edges.add(a * n + b);
      } else {
        left.set(a, (left.get(a) ?? 0) + 1);
        left.set(b, (left.get(b) ?? 0) + 1);
      }
    }
    const nodes = [...left.keys()];
    const linkable = nodes.some((a, i) => nodes.slice(i + 1).some((b) => !edges.has(Math.min(a, b) * n + Math.max(a, b))));
    if (nodes.length > 0 && !linkable) return null;
    stubs = nodes.flatMap((node) => Array.from({ length: left.get(node) ?? 0 }, () => node));
  }
  return [...edges].map((key): IndexPair => [Math.floor(key / n), key % n]);
}

function complement(n: number, pairs: readonly IndexPair[]): IndexPair[] {
  const present = new Set(pairs.map(([a, b]) => Math.min(a, b) * n + Math.max(a, b)));
  return meshPairs(n).filter(([a, b]) => !present.has(a * n + b));
}

/**
 * A random connected k-regular graph. k = 2: a cycle through the nodes in a shuffled order (every
 * connected 2-regular graph is such a cycle, and each is equally likely). Otherwise the pairing
 * above, redrawn until connected; above k = (n-1)/2 it draws the complement, an (n-1-k)-regular
 * graph, since pairing gets stuck often when most pairs are already links.
 */
export function regularPairs(n: number, k: number, seed: number): IndexPair[] {
  if (k === 2) {
    const order = shuffle(Array.from({ length: n }, (_, i) => i), drawRng(seed, 'regular', 0));
    return order.map((node, i): IndexPair => [node, order[(i + 1) % n] as number]);
  }
  const dense = k > (n - 1) / 2;
  const d = dense ? n - 1 - k : k;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const drawn = pairing(n, d, drawRng(seed, 'regular', attempt));
    if (drawn === null) continue;
    const pairs = dense ? complement(n, drawn) : drawn;
    if (pairsConnected(n, pairs)) return pairs;
  }
  throw new TopologyError(`regular:${k} on ${n} nodes found no connected graph in ${MAX_ATTEMPTS} draws`);
}

/**
 * Watts–Strogatz: the ring lattice where node u links to u+1 .. u+k/2 (mod n); then for each
 * distance j = 1..k/2 and each node u in turn, with probability beta the link u-(u+j) becomes u-w
 * for a w drawn uniformly among the nodes u is not linked to (as networkx does). The number of
 * links, n*k/2, and so the mean degree k, never change. Redrawn until connected.
 */
export function smallWorldPairs(n: number, k: number, beta: number, seed: number): IndexPair[] {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const rng = drawRng(seed, 'small-world', attempt);
    const adj = Array.from({ length: n }, () => new Set<number>());
    const link = (a: number, b: number) => {
      adj[a]?.add(b);
      adj[b]?.add(a);
    };
    for (let j = 1; j <= k / 2; j++) for (let u = 0; u < n; u++) link(u, (u + j) % n);
    for (let j = 1; j <= k / 2; j++) {
      for (let u = 0; u < n; u++) {
        const mine = adj[u] as Set<number>;
        if (rng.next() >= beta || mine.size >= n - 1) continue;
        let w = rng.int(n);
        while (w === u || mine.has(w)) w = rng.int(n);
        const v = (u + j) % n;
        mine.delete(v);
        adj[v]?.delete(u);
        link(u, w);
      }
    }
    const pairs = adj.flatMap((set, a) => [...set].filter((b) => b > a).map((b): IndexPair => [a, b]));
    if (pairsConnected(n, pairs)) return pairs;
  }
  throw new TopologyError(`small-world:${k}:${beta} on ${n} nodes was not connected in ${MAX_ATTEMPTS} draws; try a larger K or a smaller BETA`);
}

/**
 * Barabási–Albert: nodes 0..m start as a complete graph (so each has degree m), then each later
 * node links to m distinct earlier nodes, each drawn with probability proportional to its degree
 * (uniformly from a list holding every node once per link end). Always connected, so one draw;
 * the links number m(m+1)/2 + m(n-m-1).
 */
export function scaleFreePairs(n: number, m: number, seed: number): IndexPair[] {
  const rng = drawRng(seed, 'scale-free', 0);
  const pairs = meshPairs(m + 1);
  const ends = pairs.flat();
  for (let v = m + 1; v < n; v++) {
    const targets = new Set<number>();
    while (targets.size < m) targets.add(ends[rng.int(ends.length)] as number);
    for (const t of targets) {
      pairs.push([t, v]);
      ends.push(t, v);
    }
  }
  return pairs;
}
