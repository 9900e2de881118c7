/**
 * The node's side of an authenticated register (`--security on`, docs/security.md): its register
 * proves the run secret over what it states about itself, and it takes the run only from a
 * coordinator whose `register_ok` proves the secret back over the same nonce; whoever answers
 * otherwise does not hold the secret, and the node has nothing to do with it.
 */
import { Proof, registerOkParts, registerParts, type Register, type RegisterOk, type RunSecret } from '@agentnet/protocol';

/** Why a node leaves a coordinator whose answer does not prove the secret. */
export const UNPROVEN_COORDINATOR = "the coordinator did not prove the run secret (is it running with --security on and this run's secret?)";

export class RegisterAuth {
  /** The nonce of the proof the register carried, which register_ok must answer. */
  private nonce: string | undefined;

  constructor(private readonly secret: RunSecret | undefined) {}

  /** The register to send: with its proof when the node has the secret. */
  register(r: Omit<Register, 'proof'>): Register {
    const proof = this.secret?.prove('register', registerParts(r));
    this.nonce = proof?.nonce;
    return proof ? { ...r, proof } : r;
  }

  /** Whether a register_ok answers this node's proof; always true without a secret (`--security off`). */
  proven(ok: RegisterOk): boolean {
    if (!this.secret || this.nonce === undefined) return true;
    const proof = Proof.safeParse(ok.proof).data;
    return proof !== undefined && proof.nonce === this.nonce && this.secret.verify('register_ok', registerOkParts(ok.node_id, ok.run_id), proof);
  }
}
