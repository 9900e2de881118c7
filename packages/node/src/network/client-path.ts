/**
 * A node's messages to and from the workload's clients: journaled like any other, but straight
 * onto the client's link. Client links are outside the simulated network: no shaper, no faults, no
 * delay, no end-to-end seal (TLS protects their one link).
 */
import { bodyPreview, encode, wallClockMs, type DropReason } from '@agentnet/protocol';
import type { HotLog } from '../records/hot-log.js';
import type { Journal } from '../records/journal.js';
import type { PeerMesh, PeerMessage } from '../links/peer-mesh.js';
import type { MessageFacts } from './message-facts.js';

export class ClientPath {
  constructor(
    private readonly o: { mesh: PeerMesh; journal: Journal; hot: HotLog; isRunning: () => boolean },
    private readonly drop: (facts: MessageFacts, reason: DropReason) => void,
  ) {}

  send(facts: MessageFacts, body: Record<string, unknown>): void {
    this.o.journal.add({ t: 'send', ...facts, body: bodyPreview(body) });
    const link = this.o.mesh.clientLink(facts.dest);
    if (!link?.usable || !this.o.isRunning()) {
      this.drop(facts, 'link_down');
      return;
    }
    const { id, src, dest, sent_at } = facts;
    // A write that fails never left this process: the message is dropped, not in flight.
    link.socket.send(encode({ src, dest, id, sent_at, body }), (err) => err && this.drop(facts, 'link_down'));
    this.o.hot.info({ dest, id, delay_ms: 0, client: true }, 'send');
  }

  /**
   * A request from a workload client: journaled as received (its client journaled the send);
   * false when it lacks the journal fields a client message must carry (`id`, `sent_at`).
   */
  receive(msg: PeerMessage): boolean {
    if (msg.id === undefined || msg.sent_at === undefined) return false;
    const receivedAt = wallClockMs();
    this.o.journal.add({ t: 'recv', id: msg.id, src: msg.src, dest: msg.dest, sent_at: msg.sent_at, delay_ms: 0, received_at: receivedAt });
    this.o.hot.info({ src: msg.src, id: msg.id, latency_ms: receivedAt - msg.sent_at, client: true }, 'recv');
    return true;
  }
}
