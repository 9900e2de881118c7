/**
 * What becomes of a link's due messages when the shaper releases them: held again by a partition
 * that started meanwhile, dropped by a fault or a link that is down, kept in flight for a peer that
 * stopped because the run ended, or put on the wire, several to a frame.
 */
import type { DropReason } from '@agentnet/protocol';
import type { PeerLink } from '../links/peer-link.js';
import { sendInBatches } from './frame-batches.js';
import type { LinkGate } from './link-gate.js';
import type { ShapedMessage } from './link-shaper.js';

export interface DueParts {
  gate: LinkGate;
  link: PeerLink | undefined;
  dropShaped: (m: ShapedMessage, reason: DropReason) => void;
  /** Data messages (not copies) kept back for a peer that stopped because the run ended: in flight at stop. */
  keptAtEnd: (n: number) => void;
}

export function transmitDue(peer: string, due: ShapedMessage[], p: DueParts): void {
  // A partition that started while these were in the shaper applies to them too.
  if (p.gate.cutMode(peer) === 'hold') {
    for (const m of due) p.gate.hold(m, false);
    return;
  }
  const link = p.link;
  const reason = p.gate.refusal(peer) ?? (link?.usable ? undefined : 'link_down');
  if (reason === 'link_down' && link?.peerRunEnded) {
    for (const m of due) if (m.routing) p.dropShaped(m, reason);
    p.keptAtEnd(due.filter((m) => !m.copy && !m.routing).length);
    return;
  }
  if (reason !== undefined || !link) {
    for (const m of due) p.dropShaped(m, reason ?? 'link_down');
    return;
  }
  sendInBatches(
    due.map((m) => m.frame),
    (frame) => link.socket.send(frame),
  );
}
