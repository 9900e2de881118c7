/**
 * Error codes. 0-999 are Maelstrom's own (https://github.com/jepsen-io/maelstrom/blob/main/doc/protocol.md),
 * agentnet's start at 1000.
 */
export const ErrorCode = {
  timeout: 0,
  node_not_found: 1,
  not_supported: 10,
  temporarily_unavailable: 11,
  malformed_request: 12,
  crash: 13,
  abort: 14,
  key_does_not_exist: 20,
  key_already_exists: 21,
  precondition_failed: 22,
  txn_conflict: 30,
  // agentnet
  frame_too_large: 1000,
  unknown_peer: 1001,
  unexpected_message: 1002,
  cluster_full: 1003,
  /** No valid proof of the run secret (`--security on`). */
  unauthorized: 1004,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;
export type ErrorCodeValue = (typeof ErrorCode)[ErrorCodeName];

const NAMES = new Map<number, ErrorCodeName>(
  Object.entries(ErrorCode).map(([name, code]) => [code, name as ErrorCodeName]),
);

/**
 * Errors after which the request certainly did not take effect (Maelstrom's "definite" errors, and
 * agentnet's refusals of a frame before anything handled it). Any other code (0 timeout, 13 crash,
 * an unknown one) leaves the outcome unknown.
 */
const DEFINITE = new Set<number>([1, 10, 11, 12, 14, 20, 21, 22, 30, 1000, 1001, 1002, 1003, 1004]);

export function isDefiniteError(code: number): boolean {
  return DEFINITE.has(code);
}

export function errorCodeName(code: number): string {
  return NAMES.get(code) ?? `code_${code}`;
}

/** Input this process refused: logged under `err` and answered with an error reply carrying `code`. */
export class BadInputError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'BadInputError';
  }
}

/** A failure reported by the remote side of a request, carrying its wire error code. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    /** The error's text as it goes on the wire (`message` adds the code's name). */
    readonly text: string,
  ) {
    super(`${errorCodeName(code)} (${code}): ${text}`);
    this.name = 'RpcError';
  }
}
