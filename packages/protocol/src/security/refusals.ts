/**
 * What the run's guards refuse, by where and why: the closed sets report.json's `security` section
 * counts by, and the texts the refusals are logged and answered with.
 */
import { z } from 'zod';
import { SecurityMode } from './run-secret.js';
import { enumOfKeys } from '../runtime/closed-sets.js';
import { Attack } from './attacks.js';

/** Where a refusal happened: a node's register at the coordinator, a link hello at a node, a control API call. */
export const GUARDS = {
  register: 'a register at the coordinator',
  link: 'a link hello at a node (from a peer or a workload client)',
  api: 'a call to the control API',
  message: "a data message at its destination (its end-to-end seal, docs/security.md)",
} as const;
export const Guard = enumOfKeys(GUARDS);
export type Guard = z.infer<typeof Guard>;

/** Why: each with the text the refused side is told. */
export const REFUSALS = {
  no_proof: 'no proof of the run secret (is it running with --security on and the run secret?)',
  bad_proof: 'the proof does not match the run secret',
  replayed: "used before (a replay): a proof's nonce, or a data message's sequence number (the network model's own duplicates count here too)",
  not_tls: 'not TLS: this port speaks wss:// only (a plain ws:// connection, or bytes that are no TLS)',
  old_tls: 'TLS older than 1.3',
  no_certificate: 'no client certificate',
  untrusted_certificate: "the certificate is not from the run's authority",
  wrong_identity: 'the certificate names someone else than who the message says it is from',
  bad_key: 'the public key is not an ECDSA P-256 key, or the X25519 key for end-to-end messages is missing',
  stale_incarnation: "the certificate is an earlier process's of that node (an older incarnation)",
  unsealed: 'a data message without its end-to-end seal (the run has --security on)',
  bad_seal: "the message does not open under its sender's key: forged, or altered on the way",
  wrong_link: "in another node's name than the link's peer, in a run that does not route (true of a forgery, whatever --security)",
  no_ticket: "a rejoin in a lost node's place without the one-time ticket its launcher gave that node's new process (--security on)",
  id_in_use: 'that node id is in use, whatever --security: its link to this node is open, or its process is running (a rejoin takes only a lost node\'s place)',
  not_a_peer: 'no link between those nodes, whatever --security: not a peer in this topology, not this node, or the other side is the one that dials',
} as const;
export const RefusalReason = enumOfKeys(REFUSALS);
export type RefusalReason = z.infer<typeof RefusalReason>;

/**
 * Why a TLS handshake that failed at a server is refused, from Node's error code; undefined when it
 * is no refusal by this side (the client gave up, or this side has no certificate yet).
 */
export function tlsRefusal(code: string | undefined): RefusalReason | undefined {
  switch (code) {
    case 'ERR_SSL_HTTP_REQUEST':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
    case 'ERR_SSL_PACKET_LENGTH_TOO_LONG':
    case 'ERR_SSL_RECORD_LENGTH_MISMATCH':
      return 'not_tls';
    case 'ERR_SSL_UNSUPPORTED_PROTOCOL':
    case 'ERR_SSL_NO_PROTOCOLS_AVAILABLE':
    case 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION':
      return 'old_tls';
    case 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE':
      return 'no_certificate';
    default:
      return undefined;
  }
}

/** Refusals counted by reason. */
export const RefusalCounts = z.partialRecord(RefusalReason, z.number().int().nonnegative());
export type RefusalCounts = z.infer<typeof RefusalCounts>;

const Count = z.number().int().nonnegative();
const ByAttack = z.partialRecord(Attack, Count);

/** report.json's `security.attacks`: present when the run had a Byzantine node. */
export const AttackReport = z.object({
  /** Attacking messages the Byzantine nodes put on their links, and connections they tried (impersonate, downgrade), by attack. */
  made: ByAttack,
  /** Refused at their destination, by attack then by the refusal's reason. */
  rejected: z.partialRecord(Attack, RefusalCounts),
  /** Reached the destination's behaviour as if genuine (a connection attack: taken as genuine by the node or coordinator it tried): 0 is what security is for. */
  delivered_undetected: ByAttack,
  /** Never reached their destination: lost on the way (a fault, the network model) or in flight at stop; a connection attack's try that met nobody or no answer. */
  undelivered: ByAttack,
  total: z.object({ made: Count, rejected: Count, delivered_undetected: Count, undelivered: Count }),
});
export type AttackReport = z.infer<typeof AttackReport>;

export const SecurityReport = z.object({
  /** `--security`: whether every way into the run asks for the run secret. */
  mode: SecurityMode,
  refused: z.object({
    total: z.number().int().nonnegative(),
    /** By guard, then by reason; a node's link refusals are summed over the nodes. */
    by_guard: z.partialRecord(Guard, RefusalCounts),
  }),
  /** With a Byzantine node in the run: what its attacks came to. */
  attacks: AttackReport.optional(),
});
export type SecurityReport = z.infer<typeof SecurityReport>;

/** Counts refusals by reason, for one guard. */
export class RefusalCounter {
  private readonly counts = new Map<RefusalReason, number>();

  add(reason: RefusalReason): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
  }

  get total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  toJSON(): RefusalCounts {
    return Object.fromEntries(this.counts);
  }
}

/** The report's section from each guard's counts (a node's are summed into `link`). */
export function securityReport(mode: SecurityMode, byGuard: Partial<Record<Guard, RefusalCounts[]>>): SecurityReport {
  const merged: Partial<Record<Guard, RefusalCounts>> = {};
  let total = 0;
  for (const guard of Guard.options) {
    const sum: RefusalCounts = {};
    for (const counts of byGuard[guard] ?? []) {
      for (const reason of RefusalReason.options) {
        const n = counts[reason] ?? 0;
        if (n === 0) continue;
        sum[reason] = (sum[reason] ?? 0) + n;
        total += n;
      }
    }
    if (Object.keys(sum).length > 0) merged[guard] = sum;
  }
  return { mode, refused: { total, by_guard: merged } };
}
