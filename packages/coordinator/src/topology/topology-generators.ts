/**
 * The topologies that need no randomness: mesh, ring, line, star, k-ary tree and grid. Each gives
 * index pairs over nodes 0..n-1, which the caller names with the run's ids. All are connected for
 * every n >= 1, so they need no redraw.
 */

export type IndexPair = [number, number];

export function meshPairs(n: number): IndexPair[] {
  const out: IndexPair[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out.push([i, j]);
  return out;
}

export function linePairs(n: number): IndexPair[] {
  return Array.from({ length: Math.max(0, n - 1) }, (_, i): IndexPair => [i, i + 1]);
}

/** The line closed into a cycle; on 2 nodes the closing link would repeat the only one, on 1 it would be a loop. */
export function ringPairs(n: number): IndexPair[] {
  return n >= 3 ? [...linePairs(n), [0, n - 1]] : linePairs(n);
}

/** Node 0 is the hub. */
export function starPairs(n: number): IndexPair[] {
  return Array.from({ length: Math.max(0, n - 1) }, (_, i): IndexPair => [0, i + 1]);
}

/** The parent of node i > 0 in a k-ary tree numbered breadth-first from the root 0. */
export function treeParent(i: number, k: number): number {
  return Math.floor((i - 1) / k);
}

/** A complete k-ary tree filled breadth-first: node i has children k*i+1 .. k*i+k, where they exist. */
export function treePairs(n: number, k: number): IndexPair[] {
  return Array.from({ length: Math.max(0, n - 1) }, (_, i): IndexPair => [treeParent(i + 1, k), i + 1]);
}

/**
 * The shape of the near-square grid for n nodes: ceil(sqrt(n)) columns and as many rows as it takes,
 * so 12 nodes are 4 x 3 and 10 are 4 x 3 with a last row of 2. The drawing uses the same shape.
 */
export function gridShape(n: number): { rows: number; cols: number } {
  const cols = Math.max(1, Math.ceil(Math.sqrt(n)));
  return { rows: Math.ceil(n / cols), cols };
}

/**
 * Node i sits at row floor(i / cols), column i % cols, linked to its right and lower neighbours.
 * A partial last row is still connected: its nodes are the leftmost, each under a full-row node.
 */
export function gridPairs(n: number): IndexPair[] {
  const { cols } = gridShape(n);
  const out: IndexPair[] = [];
  for (let i = 0; i < n; i++) {
    if ((i + 1) % cols !== 0 && i + 1 < n) out.push([i, i + 1]);
    if (i + cols < n) out.push([i, i + cols]);
  }
  return out;
}
