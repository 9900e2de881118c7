/**
 * The coordinator's guard with `--security on` (docs/security.md): a register and a control API
 * call must prove the run secret, a register's proof is never accepted twice, and the coordinator
 * proves the secret back in its `register_ok`. Every refusal is counted by guard and reason for
 * report.json's `security` section; the caller logs it and answers with `unauthorized`. With
 * `--security off` it lets everything through and counts nothing.
 *
 * With its `identity` (the run's authority, made once the run has an id) every control connection
 * is TLS: a register must state the key the node's TLS certificate carries, and its register_ok
 * gives the node a certificate for that key, covered by the answer's proof.
 */
import {
  NonceLedger,
  RefusalCounter,
  registerOkParts,
  registerParts,
  securityReport,
  tokensMatch,
  type Guard,
  type Proof,
  type RefusalCounts,
  type RefusalReason,
  type Register,
  type RunSecret,
  type SecurityReport,
  type TlsBundle,
  isP256,
  newTicket,
  usableX25519Key,
} from '@agentnet/protocol';
import type { RunIdentity } from './run-identity.js';
import type { ControlTls } from '../cluster/control-server.js';

/** A register_ok's security fields. */
export type RegisterOkExtra = { proof?: Proof; tls?: TlsBundle };

export class RunGuard {
  private readonly nonces = new NonceLedger();
  private readonly counts = { register: new RefusalCounter(), api: new RefusalCounter() };
  /** Each node process's link refusals, from its `stopped`. */
  private readonly links: RefusalCounts[] = [];
  /** Each node process's data messages refused at their end-to-end seal, as its `stopped` reports them. */
  private readonly messages: RefusalCounts[] = [];
  /** The run's certificate authority and the coordinator's certificates (`--security on`). */
  identity: RunIdentity | undefined;
  /** Registers accepted whose certificate is still being made: the run waits for them before init. */
  certifying = 0;
  /** The one-time rejoin tickets of each node whose new process the launcher was asked to start (one per ask: a restart may be asked twice). */
  private readonly tickets = new Map<string, Set<string>>();
  /** Whether a launcher starts restarted nodes (then only they may rejoin); by hand or in containers, anyone with the secret may. */
  launcher = false;

  constructor(
    /** Present exactly when the run has `--security on`. */
    readonly secret: RunSecret | undefined,
  ) {}

  get on(): boolean {
    return this.secret !== undefined;
  }

  /**
   * Why a register is refused, if it is. On TLS, `shownKey` is the public key of the certificate
   * the connection showed: the register must state it (it is what the node's certificate is for).
   */
  register(body: Register, shownKey?: string): RefusalReason | undefined {
    if (!this.secret) return undefined;
    const keyShown = !this.identity || (shownKey !== undefined && body.public_key === shownKey);
    const reason = this.check(body.proof, (p) => this.secret?.verify('register', registerParts(body), p) === true, keyShown);
    // A member's key the authority cannot certify would fail the run's setup: refused here instead.
    return this.refusal('register', reason ?? (this.identity && (!isP256(body.public_key) || body.kx === undefined || !usableX25519Key(body.kx)) ? 'bad_key' : undefined));
  }

  /**
   * The coordinator's answer to an accepted register's proof, handed to `send`: at once with
   * `--security off`; once the node's certificate is made with TLS (`failed` if it cannot be).
   */
  answerRegister(body: Register, node: { id: string; incarnation: number; runId: string }, send: (extra: RegisterOkExtra) => void, failed: (err: unknown) => void): void {
    const answer = (tls?: TlsBundle): RegisterOkExtra => {
      if (!this.secret || !body.proof) return {};
      return { proof: this.secret.answer('register_ok', body.proof.nonce, registerOkParts(node.id, node.runId, tls)), ...(tls ? { tls } : {}) };
    };
    if (!this.identity || body.public_key === undefined) return send(answer());
    this.certifying++;
    // Not awaited: the caller goes on with `send`. A throw in it is the coordinator's crash (exit 255), as in any handler.
    void this.identity.certify(node.id, node.incarnation, body.public_key).then(
      (tls) => {
        this.certifying--;
        send(answer(tls));
      },
      (err: unknown) => {
        this.certifying--;
        failed(err);
      },
    );
  }

  /** A fresh ticket for the new process of `nodeId`, for the launcher to hand it (none with `--security off`). */
  ticketFor(nodeId: string): { ticket?: string } {
    if (!this.on) return {};
    const ticket = newTicket();
    const tickets = this.tickets.get(nodeId) ?? new Set<string>();
    this.tickets.set(nodeId, tickets.add(ticket));
    return { ticket };
  }

  /** Why a rejoin in `nodeId`'s place is refused, if it is: with a launcher, only with the ticket it was given (once). */
  rejoin(nodeId: string, ticket: string | undefined): RefusalReason | undefined {
    if (!this.on || !this.launcher) return undefined;
    const expected = [...(this.tickets.get(nodeId) ?? [])];
    if (ticket === undefined || !expected.some((t) => tokensMatch(ticket, t))) return this.refusal('register', 'no_ticket');
    // The place is taken: every process started for it before this one is an earlier one now.
    this.tickets.delete(nodeId);
    return undefined;
  }

  /** The control server's TLS with `--security on`; its refused handshakes count as refused registers. */
  controlTls(): ControlTls | undefined {
    return this.identity && { options: this.identity.serverTls, refused: (reason) => void this.refusal('register', reason) };
  }

  /** Why a control API call is refused, if it is: its `authorization` header must carry the run's token. */
  api(authorization: string | undefined): RefusalReason | undefined {
    if (!this.secret) return undefined;
    const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    const reason = token === undefined ? 'no_proof' : tokensMatch(token, this.secret.apiToken()) ? undefined : 'bad_proof';
    return this.refusal('api', reason);
  }

  /** The token `npm run ctl` sends, for control.json (never logged). */
  apiToken(): string | undefined {
    return this.secret?.apiToken();
  }

  /** A node process's link refusals, as its `stopped` reports them (a lost process's are lost with it). */
  linkRefusals(counts: RefusalCounts, messages: RefusalCounts): void {
    this.links.push(counts);
    this.messages.push(messages);
  }

  /** report.json's `security` section. */
  report(): SecurityReport {
    return securityReport(this.on ? 'on' : 'off', { register: [this.counts.register.toJSON()], api: [this.counts.api.toJSON()], link: this.links, message: this.messages });
  }

  private check(proof: Proof | undefined, valid: (p: Proof) => boolean, keyShown = true): RefusalReason | undefined {
    if (!proof) return 'no_proof';
    if (!valid(proof)) return 'bad_proof';
    // A member's proof, for a key this connection's certificate does not carry: not this connection's register.
    if (!keyShown) return 'wrong_identity';
    return this.nonces.fresh(proof.nonce) ? undefined : 'replayed';
  }

  private refusal(guard: Exclude<Guard, 'link' | 'message'>, reason: RefusalReason | undefined): RefusalReason | undefined {
    if (reason !== undefined) this.counts[guard].add(reason);
    return reason;
  }
}
