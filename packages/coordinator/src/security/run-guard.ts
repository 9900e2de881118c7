/**
 * The coordinator's guard with `--security on` (docs/security.md): a register and a control API
 * call must prove the run secret, a register's proof is never accepted twice, and the coordinator
 * proves the secret back in its `register_ok`. Every refusal is counted by guard and reason for
 * report.json's `security` section; the caller logs it and answers with `unauthorized`. With
 * `--security off` it lets everything through and counts nothing.
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
} from '@agentnet/protocol';

export class RunGuard {
  private readonly nonces = new NonceLedger();
  private readonly counts = { register: new RefusalCounter(), api: new RefusalCounter() };
  /** Each node process's link refusals, from its `stopped`. */
  private readonly links: RefusalCounts[] = [];

  constructor(
    /** Present exactly when the run has `--security on`. */
    readonly secret: RunSecret | undefined,
  ) {}

  get on(): boolean {
    return this.secret !== undefined;
  }

  /** Why a register is refused, if it is. */
  register(body: Register): RefusalReason | undefined {
    if (!this.secret) return undefined;
    return this.refusal('register', this.check(body.proof, (p) => this.secret?.verify('register', registerParts(body), p) === true));
  }

  /** The coordinator's answer to an accepted register's proof. */
  registerOk(body: Register, nodeId: string, runId: string): { proof?: Proof } {
    if (!this.secret || !body.proof) return {};
    return { proof: this.secret.answer('register_ok', body.proof.nonce, registerOkParts(nodeId, runId)) };
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
  linkRefusals(counts: RefusalCounts): void {
    this.links.push(counts);
  }

  /** report.json's `security` section. */
  report(): SecurityReport {
    return securityReport(this.on ? 'on' : 'off', { register: [this.counts.register.toJSON()], api: [this.counts.api.toJSON()], link: this.links });
  }

  private check(proof: Proof | undefined, valid: (p: Proof) => boolean): RefusalReason | undefined {
    if (!proof) return 'no_proof';
    if (!valid(proof)) return 'bad_proof';
    return this.nonces.fresh(proof.nonce) ? undefined : 'replayed';
  }

  private refusal(guard: Exclude<Guard, 'link'>, reason: RefusalReason | undefined): RefusalReason | undefined {
    if (reason !== undefined) this.counts[guard].add(reason);
    return reason;
  }
}
