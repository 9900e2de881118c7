/**
 * One link to a peer: the WebSocket both directions share, who dialed it, and whether the peer's
 * `link_bye` arrived (everything it sent before stopping is then in), for the drain at stop. A
 * client of the workload (`c1`, ...) has a link of its own kind: drained the same way, but outside
 * the topology and the network model.
 */
import type { WebSocket } from 'ws';

export class PeerLink {
  byeReceived = false;
  /** This node answered the peer's `link_bye`: nothing more goes out on this link. */
  byeSent = false;
  /**
   * The peer's bye said the run ends: messages for it that can no longer go out are in flight at
   * stop, not dropped (the run ended before they could arrive; no fault lost them).
   */
  peerRunEnded = false;
  private waiters: Array<() => void> = [];

  constructor(
    readonly peer: string,
    readonly socket: WebSocket,
    readonly dialed: boolean,
    /** A workload client's link, not a peer's. */
    readonly client = false,
  ) {}

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  /** Open, and not said goodbye on: new messages may go out on it. */
  get usable(): boolean {
    return this.open && !this.byeSent;
  }

  /** Resolves once the peer's `link_bye` arrived or the link closed. */
  drained(): Promise<void> {
    if (this.byeReceived || !this.open) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  settle(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
