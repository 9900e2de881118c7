/**
 * The node's side of an authenticated register (`--security on`, docs/security.md): its register
 * proves the run secret over what it states about itself (its public key among it), and it takes the
 * run only from a coordinator whose `register_ok` proves the secret back over the same nonce and the
 * certificates it hands over; whoever answers otherwise does not hold the secret, and the node has
 * nothing to do with it.
 */
import type { X509Certificate } from 'node:crypto';
import { Proof, registerOkParts, registerParts, type Register, type RegisterOk, type RunSecret } from '@agentnet/protocol';
import type { LinkGuard } from './link-guard.js';

/** Why a node leaves a coordinator whose answer does not prove the secret. */
export const UNPROVEN_COORDINATOR = "the coordinator did not prove the run secret (is it running with --security on and this run's secret?)";

export class RegisterAuth {
  /** The nonce of the proof the register carried, which register_ok must answer. */
  private nonce: string | undefined;

  constructor(
    private readonly secret: RunSecret | undefined,
    /** Holds the node's identity, which the register states and register_ok certifies. */
    private readonly guard: LinkGuard,
  ) {}

  /** The register to send: with its proof (and the node's public keys) when the node has the secret. */
  register(r: Omit<Register, 'proof' | 'public_key' | 'kx'>): Register {
    const key = this.guard.identity ? { public_key: this.guard.identity.publicKey, kx: this.guard.identity.endToEnd.publicKey } : {};
    const proof = this.secret?.prove('register', registerParts({ ...r, ...key }));
    this.nonce = proof?.nonce;
    return proof ? { ...r, ...key, proof } : r;
  }

  /**
   * Why a register_ok is not taken, if it is not: it must answer this node's proof, and with
   * `--security on` give the node a certificate the coordinator on this connection stands behind.
   * Always taken without a secret (`--security off`).
   */
  refusal(ok: RegisterOk, coordinatorSeen: X509Certificate | undefined): string | undefined {
    if (!this.secret || this.nonce === undefined) return undefined;
    const proof = Proof.safeParse(ok.proof).data;
    if (!(proof !== undefined && proof.nonce === this.nonce && this.secret.verify('register_ok', registerOkParts(ok.node_id, ok.run_id, ok.tls), proof))) return UNPROVEN_COORDINATOR;
    try {
      this.guard.identity?.adopt(ok.tls, ok.node_id, coordinatorSeen);
    } catch (err) {
      return (err as Error).message;
    }
    return undefined;
  }
}
