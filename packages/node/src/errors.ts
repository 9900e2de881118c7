/** Local failures of a node process. */

export class UnknownPeerError extends Error {
  constructor(readonly peer: string) {
    super(`"${peer}" is not a peer of this node`);
    this.name = 'UnknownPeerError';
  }
}

export class CoordinatorUnavailableError extends Error {
  constructor(url: string, cause: unknown) {
    super(`cannot reach the coordinator at ${url}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'CoordinatorUnavailableError';
  }
}

export class PeerUnavailableError extends Error {
  constructor(readonly peer: string, url: string, cause: unknown) {
    super(`cannot link to peer ${peer} at ${url}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'PeerUnavailableError';
  }
}

/** An operation the node's current state does not allow (e.g. sending after stop). */
export class NodeStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NodeStateError';
  }
}
