/**
 * The links of the workload's clients (`c1`, `c2`, ...) to this node. A client is not a peer: it
 * is in no node's `init`, dials any node it picks, and says `link_hello` from its client id. Its
 * link is outside the topology and the network model (nothing on it is shaped or faulted), but it
 * is drained at stop like a peer's, so every reply a node sent a client has arrived before the
 * node's final flush.
 */
import { ErrorCode, type Logger } from '@agentnet/protocol';
import type { WebSocket } from 'ws';
import { PeerLink } from './peer-link.js';

export class ClientLinks {
  private readonly links = new Map<string, PeerLink>();

  constructor(private readonly log: Logger) {}

  /** The client's link, if it has one (open or not). */
  get(client: string): PeerLink | undefined {
    return this.links.get(client);
  }

  get all(): PeerLink[] {
    return [...this.links.values()];
  }

  /** Why a hello from `client` is refused now, if it is: one link per client, none while stopping. */
  refusal(self: string, client: string, stopping: boolean): { code: number; text: string } | undefined {
    if (stopping) return { code: ErrorCode.temporarily_unavailable, text: `${self} is stopping and takes no new clients` };
    if (this.links.get(client)?.open) return { code: ErrorCode.unexpected_message, text: `a link from ${client} is already open` };
    return undefined;
  }

  add(client: string, socket: WebSocket): PeerLink {
    const link = new PeerLink(client, socket, false, true);
    this.links.set(client, link);
    this.log.info({ client }, 'client_connect');
    return link;
  }

  /** The client's socket closed (the client left, or this node is stopping). */
  closed(link: PeerLink, code: number, stopping: boolean): void {
    if (this.links.get(link.peer) === link) this.links.delete(link.peer);
    if (!stopping) this.log.info({ client: link.peer, code }, 'client_disconnect');
  }
}
