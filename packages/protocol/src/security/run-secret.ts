/**
 * The run's secret and the proofs made with it (docs/security.md). With `--security on` the
 * launcher makes a fresh secret for every run (never from `--seed`) and hands it to its children in
 * the environment, never in argv or a log; in a container it comes from an env file or a secret
 * file. Whoever joins the run (a node registering, a peer or a workload client opening a link, a
 * caller of the control API) proves it holds the secret without sending it: an HMAC over what it
 * asks for and a nonce it never uses twice, so a captured proof cannot be used again.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';

export const SecurityMode = z.enum(['on', 'off']);
export type SecurityMode = z.infer<typeof SecurityMode>;

/** The secret itself, hex (for an env file), or the path of a file that holds it (a container's secret). */
export const SECRET_ENV = 'AGENTNET_SECRET';
export const SECRET_FILE_ENV = 'AGENTNET_SECRET_FILE';
/**
 * A restarted node's one-time ticket for its place (`--security on`): the coordinator makes one
 * whenever it asks its launcher to start a node's new process, and takes a rejoin in that place only
 * with it. The run secret alone is every member's, so it cannot tell a node's new process from a
 * member that would take the lost node's name.
 */
export const REJOIN_TICKET_ENV = 'AGENTNET_REJOIN_TICKET';

/** A fresh ticket: random, never derived from the seed or the secret. */
export const newTicket = (): string => randomBytes(SECRET_BYTES).toString('hex');

const SECRET_BYTES = 32;
const NONCE_BYTES = 16;
const Hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `${bytes * 2} lowercase hex digits`);

/** What a joining side sends: a fresh nonce and the HMAC over the request with it. */
export const Proof = z.object({ nonce: Hex(NONCE_BYTES), mac: Hex(32) });
export type Proof = z.infer<typeof Proof>;

/**
 * What each proof is about: the label keeps a proof made for one purpose from passing for another
 * (a node's register proof is no link hello, and no answer from the coordinator).
 */
export const PROOF_LABELS = {
  register: 'agentnet/1 register',
  register_ok: 'agentnet/1 register_ok',
  link_hello: 'agentnet/1 link_hello',
  link_hello_ok: 'agentnet/1 link_hello_ok',
  api_token: 'agentnet/1 api token',
} as const;
export type ProofLabel = keyof typeof PROOF_LABELS;

/** A failure to read or check the run's secret, with what to do about it. */
export class RunSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunSecretError';
  }
}

export class RunSecret {
  private constructor(private readonly key: Buffer) {}

  /** A fresh random secret: one per run, from the system's CSPRNG. */
  static create(): RunSecret {
    return new RunSecret(randomBytes(SECRET_BYTES));
  }

  static fromHex(text: string): RunSecret {
    const hex = text.trim();
    if (!Hex(SECRET_BYTES).safeParse(hex).success) throw new RunSecretError(`the run's secret must be ${SECRET_BYTES * 2} lowercase hex digits`);
    return new RunSecret(Buffer.from(hex, 'hex'));
  }

  /**
   * The secret from the environment (`AGENTNET_SECRET`, or the file `AGENTNET_SECRET_FILE` names,
   * which must not be readable by other users), or undefined when neither is set.
   */
  static fromEnv(env: NodeJS.ProcessEnv): RunSecret | undefined {
    const inline = env[SECRET_ENV];
    const file = env[SECRET_FILE_ENV];
    if (inline !== undefined && file !== undefined) throw new RunSecretError(`set ${SECRET_ENV} or ${SECRET_FILE_ENV}, not both`);
    if (inline !== undefined) return RunSecret.fromHex(inline);
    if (file === undefined) return undefined;
    let text: string;
    try {
      if ((statSync(file).mode & 0o077) !== 0) throw new RunSecretError(`${SECRET_FILE_ENV} ${file} is readable by other users: chmod 600 it`);
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if (err instanceof RunSecretError) throw err;
      throw new RunSecretError(`cannot read ${SECRET_FILE_ENV} ${file}: ${(err as Error).message}`);
    }
    return RunSecret.fromHex(text);
  }

  /** For a child process's environment only: never for argv, a log line or a file others can read. */
  toHex(): string {
    return this.key.toString('hex');
  }

  /** A new proof for `label` over `parts`, with a fresh nonce. */
  prove(label: ProofLabel, parts: readonly unknown[]): Proof {
    const nonce = randomBytes(NONCE_BYTES).toString('hex');
    return { nonce, mac: this.mac(label, nonce, parts) };
  }

  /** Whether `proof` was made with this secret for `label` over `parts`; compared in constant time. */
  verify(label: ProofLabel, parts: readonly unknown[], proof: Proof): boolean {
    const expected = Buffer.from(this.mac(label, proof.nonce, parts), 'hex');
    const given = Buffer.from(proof.mac, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** The answer to a proof: the same nonce, over what the answering side states. */
  answer(label: ProofLabel, nonce: string, parts: readonly unknown[]): Proof {
    return { nonce, mac: this.mac(label, nonce, parts) };
  }

  /** The control API's bearer token: derived, so `npm run ctl` never holds the secret itself. */
  apiToken(): string {
    return this.mac('api_token', '', []);
  }

  private mac(label: ProofLabel, nonce: string, parts: readonly unknown[]): string {
    return createHmac('sha256', this.key).update(JSON.stringify([PROOF_LABELS[label], nonce, ...parts])).digest('hex');
  }
}

/** Whether two tokens are equal, in time that does not depend on where they differ. */
export function tokensMatch(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The nonces a receiver has seen: a proof whose nonce came before is a replay. A run is short and
 * joins are few, so every nonce is kept for the run's life.
 */
export class NonceLedger {
  private readonly seen = new Set<string>();

  /** True the first time `nonce` is offered, false on every later time. */
  fresh(nonce: string): boolean {
    if (this.seen.has(nonce)) return false;
    this.seen.add(nonce);
    return true;
  }
}

/** What a register's proof covers: everything the node states about itself (the wire's field names). */
export const registerParts = (r: { url: string; pid: number; hostname: string; node_id?: string | undefined; public_key?: string | undefined; kx?: string | undefined }): unknown[] => [
  r.url,
  r.pid,
  r.hostname,
  r.node_id ?? null,
  r.public_key ?? null,
  r.kx ?? null,
];
/** What the coordinator's answer covers: the id it gave, the run, and the certificates it hands over. */
export const registerOkParts = (nodeId: string, runId: string, tls?: { certificate: string; authority: string; coordinator: string }): unknown[] => [
  nodeId,
  runId,
  ...(tls ? [tls.certificate, tls.authority, tls.coordinator] : []),
];

/** A `link_hello`'s proof covers who opens the link and to whom, so it is good at that node only. */
export const linkHelloParts = (src: string, dest: string): unknown[] => [src, dest];
/** The answer's covers the same two, as the answering node states them. */
export const linkHelloOkParts = (src: string, dest: string): unknown[] => [src, dest];
