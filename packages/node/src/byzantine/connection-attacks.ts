/**
 * A Byzantine node's attacks on the ways into the run (`--byzantine NODE=impersonate,downgrade`,
 * docs/security.md): when the attack starts, it links to each of its peers in another node's name
 * and registers at the coordinator as another node (`impersonate`), and links to each peer over
 * plain ws://, TLS 1.2 and TLS 1.3 without a client certificate (`downgrade`). It holds what any
 * member holds (the run secret, its own key and certificate), so every proof it sends is valid: only
 * the certificate, the TLS version and the link rules stand in its way. Each try is journaled with
 * what the other side did, so report.json's `security.attacks` can say what was refused and why.
 */
import { hostname } from 'node:os';
import { WebSocket, type ClientOptions, type RawData } from 'ws';
import {
  COORDINATOR_ID,
  MAX_PAYLOAD_BYTES,
  RefusalReason,
  wallClockMs,
  encode,
  type Attack,
  type AttemptRecord,
  type AttemptWay,
  type ConnectionAttack,
  type Logger,
  type Peer,
  type RunSecret,
} from '@agentnet/protocol';
import type { Journal } from '../records/journal.js';
import type { LinkGuard } from '../security/link-guard.js';
import { RegisterAuth } from '../security/register-proof.js';

/** How long a try waits for the other side's word: a peer that neither answers nor hangs up. */
const ATTEMPT_TIMEOUT_MS = 5000;

type Outcome = AttemptRecord['outcome'];

export interface ConnectionAttackWire {
  self: string;
  nodeIds: readonly string[];
  /** This node's peers where they are now (from init, and as they restart). */
  peers: () => readonly Peer[];
  /** Where this node's own peer server listens (a register states it). */
  url: string;
  coordinatorUrl: string;
  /** The run secret, as every member holds it (`--security on`). */
  secret: RunSecret | undefined;
  guard: LinkGuard;
  journal: Journal;
  log: Logger;
}

export class ConnectionAttacker {
  private attacks = new Set<Attack>();
  /** The tries still waiting for the other side's word, each with how it ends. */
  private readonly open = new Map<WebSocket, (outcome: Outcome, detail: string) => void>();
  private closed = false;

  constructor(private readonly w: ConnectionAttackWire) {}

  /** The attacks the fault state gives this node now: a connection attack that starts tries at once. */
  set(attacks: readonly Attack[]): void {
    // A stopping node's journal is being shipped for the last time: a try now would be lost.
    if (this.closed) return;
    const before = this.attacks;
    this.attacks = new Set(attacks);
    if (this.attacks.has('impersonate') && !before.has('impersonate')) this.impersonate();
    if (this.attacks.has('downgrade') && !before.has('downgrade')) this.downgrade();
  }

  /** Ends the tries still waiting (the node stops; before its final journal): their other side never answered. */
  close(): void {
    this.closed = true;
    for (const end of [...this.open.values()]) end('unanswered', 'the node stopped');
  }

  private impersonate(): void {
    const { self, nodeIds, guard } = this.w;
    for (const peer of this.w.peers()) {
      // In the name of a node the peer would take a hello from: one that dials it (a smaller index).
      const others = nodeIds.filter((id) => id !== self && id !== peer.id);
      const as = others.find((id) => nodeIds.indexOf(id) < nodeIds.indexOf(peer.id)) ?? others[0];
      if (as === undefined) continue;
      const hello = { src: as, dest: peer.id, body: { type: 'link_hello', msg_id: 0, ...guard.hello(as, peer.id) } };
      this.attempt('impersonate', 'link_as', peer.id, as, peer.url, guard.identity && guard.dialTls(peer.id), hello, 'link_hello_ok');
    }
    const as = nodeIds.find((id) => id !== self);
    if (as === undefined) return;
    const register = new RegisterAuth(this.w.secret, guard).register({ type: 'register', msg_id: 0, url: this.w.url, pid: process.pid, hostname: hostname(), node_id: as });
    this.attempt('impersonate', 'register_as', COORDINATOR_ID, as, this.w.coordinatorUrl, guard.identity?.coordinatorTls, { src: as, dest: COORDINATOR_ID, body: register }, 'register_ok');
  }

  private downgrade(): void {
    const { self, guard } = this.w;
    for (const peer of this.w.peers()) {
      const hello = { src: self, dest: peer.id, body: { type: 'link_hello', msg_id: 0, ...guard.hello(self, peer.id) } };
      const context = guard.identity?.serverContext;
      // With --security off a peer's port is plain already: nothing to downgrade from but to try it.
      this.attempt('downgrade', 'plain', peer.id, undefined, peer.url.replace(/^wss:/, 'ws:'), undefined, hello);
      if (!context) continue;
      const tls12: ClientOptions = { key: context.key, cert: context.cert, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', rejectUnauthorized: false };
      this.attempt('downgrade', 'tls12', peer.id, undefined, peer.url, tls12, hello);
      this.attempt('downgrade', 'no_certificate', peer.id, undefined, peer.url, { minVersion: 'TLSv1.3', rejectUnauthorized: false }, hello);
    }
  }

  /**
   * One try: connect, say `first`, and take the other side's first word. `accepted` is what the
   * attack wants: for an impersonation the answer that takes it as `as`; for a downgrade any answer
   * at all, since the other side then read what came over a weaker channel than the run's.
   */
  private attempt(kind: ConnectionAttack, way: AttemptWay, target: string, as: string | undefined, url: string, tls: ClientOptions | undefined, first: { src: string; dest: string; body: { type: string } }, acceptedBy?: string): void {
    const at = wallClockMs();
    let done = false;
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: MAX_PAYLOAD_BYTES, ...tls });
    const end = (outcome: Outcome, detail?: unknown): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      this.open.delete(ws);
      ws.terminate();
      this.w.journal.add({ t: 'attempt', kind, by: this.w.self, target, way, ...(as === undefined ? {} : { as }), at, outcome });
      this.w.log.info({ kind, way, target, ...(as === undefined ? {} : { as }), outcome, ...(detail === undefined ? {} : { detail }) }, 'attempt');
    };
    this.open.set(ws, end);
    const timer = setTimeout(() => end('unanswered', 'no answer in time'), ATTEMPT_TIMEOUT_MS);
    const secure = this.w.guard.on;
    ws.on('error', (err: Error & { code?: string }) => end(secure ? refusedBefore(way, err) : 'unanswered', err.code ?? err.message));
    ws.on('close', () => end('unanswered', 'closed without an answer'));
    ws.on('open', () => ws.send(encode(first)));
    ws.on('message', (data: RawData) => end(answerOutcome(data, acceptedBy)));
  }
}

/**
 * What a try at a secure peer that failed before it opened met: the refusal its way provokes (a TLS
 * server hangs up on bytes that are no TLS, alerts an old version, and hangs up on a client without
 * a certificate once the handshake is done), or nobody there (any other failure).
 */
function refusedBefore(way: AttemptWay, err: Error & { code?: string }): Outcome {
  const code = err.code ?? '';
  const hangUp = code === 'ECONNRESET' || code === 'EPIPE' || err.message === 'socket hang up';
  if (way === 'plain' && hangUp) return 'not_tls';
  if (way === 'tls12' && (code === 'EPROTO' || /PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL/.test(code))) return 'old_tls';
  if (way === 'no_certificate' && (hangUp || /CERTIFICATE_REQUIRED/.test(code))) return 'no_certificate';
  return 'unanswered';
}

/** The other side's first word: taken as genuine, or refused with the reason it gave. */
function answerOutcome(data: RawData, acceptedBy: string | undefined): Outcome {
  let body: { type?: unknown; refusal?: unknown } | undefined;
  try {
    body = (JSON.parse(String(data)) as { body?: typeof body }).body;
  } catch {
    body = undefined;
  }
  if (acceptedBy === undefined) return 'accepted';
  if (body?.type === acceptedBy) return 'accepted';
  const reason = RefusalReason.safeParse(body?.refusal);
  return reason.success ? reason.data : 'unanswered';
}

/** The connection attacks of a node's fault state: what `--byzantine` gives this node (none: honest). */
export function attacksOf(state: { byzantine: ReadonlyArray<{ node: string; attacks: readonly Attack[] }> }, self: string | undefined): readonly Attack[] {
  return state.byzantine.find((b) => b.node === self)?.attacks ?? [];
}
