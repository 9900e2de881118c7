/**
 * The end of a node's links: `link_bye` on every open link, then up to `timeoutMs` for each peer's
 * own bye, so every message a live peer put on the wire before stopping has arrived (the links are
 * FIFO). Returns the peers that never said bye. `runEnded`: this node stops because the run ends.
 */
import { encode } from '@agentnet/protocol';
import type { PeerLink } from './peer-link.js';

export async function drainLinks(all: readonly PeerLink[], self: string, timeoutMs: number, runEnded: boolean): Promise<string[]> {
  const links = all.filter((l) => l.open);
  for (const link of links) {
    if (link.byeSent) continue;
    link.byeSent = true;
    link.socket.send(encode({ src: self, dest: link.peer, body: { type: 'link_bye', ...(runEnded ? { run_ended: true } : {}) } }));
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  await Promise.race([Promise.all(links.map((l) => l.drained())), timeout]);
  clearTimeout(timer);
  return links.filter((l) => !l.byeReceived && l.open).map((l) => l.peer);
}
