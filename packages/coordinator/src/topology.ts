/**
 * Who links to whom. The one place peer lists are computed; only the full mesh exists so far.
 */
export function nodeIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `n${i}`);
}

/** Every node's peers in a full mesh: all other nodes, in id order. */
export function fullMeshPeers(ids: readonly string[]): Map<string, string[]> {
  return new Map(ids.map((id) => [id, ids.filter((other) => other !== id)]));
}
