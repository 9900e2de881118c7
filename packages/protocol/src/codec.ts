/**
 * The one place bytes become messages. `decode()` never throws: it returns the message or the wire
 * error to answer with, so a receiver can log, reply and carry on serving everyone else.
 */
import { z } from 'zod';
import { Envelope, type Typed } from './envelope.js';
import { ErrorCode } from './error-codes.js';
import { MAX_PAYLOAD_BYTES } from './constants.js';

/** The body schemas a receiver accepts, by `body.type`. */
export type BodyTable = Record<string, z.ZodType>;
export type BodyOf<T extends BodyTable> = z.infer<T[keyof T]>;

export interface DecodeFailure {
  ok: false;
  code: number;
  text: string;
  /** Whatever could be read of the message, so the error can be addressed and logged. */
  src?: string;
  msg_id?: number;
  type?: string;
}
/** Every body may carry these (Maelstrom); decode keeps them even where a body schema omits them. */
export interface MsgIds {
  msg_id?: number;
  in_reply_to?: number;
}
export interface DecodeSuccess<B> {
  ok: true;
  msg: Typed<B & MsgIds>;
}
export type DecodeResult<B> = DecodeSuccess<B> | DecodeFailure;

/** Formats zod issues as `path: message; ...` on one line, for logs and error replies. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

function dataToBuffer(data: unknown): Buffer | undefined {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data) && data.every(Buffer.isBuffer)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return undefined;
}

function peek(value: unknown): Pick<DecodeFailure, 'src' | 'msg_id' | 'type'> {
  if (typeof value !== 'object' || value === null) return {};
  const env = value as { src?: unknown; body?: { msg_id?: unknown; type?: unknown } };
  const out: Pick<DecodeFailure, 'src' | 'msg_id' | 'type'> = {};
  if (typeof env.src === 'string') out.src = env.src;
  if (typeof env.body === 'object' && env.body !== null) {
    if (Number.isInteger(env.body.msg_id) && (env.body.msg_id as number) >= 0) {
      out.msg_id = env.body.msg_id as number;
    }
    if (typeof env.body.type === 'string') out.type = env.body.type;
  }
  return out;
}

export function decode<T extends BodyTable>(data: unknown, bodies: T): DecodeResult<BodyOf<T>> {
  const bytes = dataToBuffer(data);
  if (bytes === undefined) {
    return { ok: false, code: ErrorCode.malformed_request, text: 'frame is not text' };
  }
  if (bytes.length > MAX_PAYLOAD_BYTES) {
    return {
      ok: false,
      code: ErrorCode.frame_too_large,
      text: `frame of ${bytes.length} bytes exceeds ${MAX_PAYLOAD_BYTES}`,
    };
  }
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, code: ErrorCode.malformed_request, text: `invalid JSON: ${(err as Error).message}` };
  }
  const seen = peek(value);
  const env = Envelope.safeParse(value);
  if (!env.success) {
    return { ok: false, code: ErrorCode.malformed_request, text: `bad envelope: ${describeIssues(env.error)}`, ...seen };
  }
  // hasOwn, not a plain lookup: a type named "constructor" or "__proto__" must not find Object's own.
  const schema = Object.hasOwn(bodies, env.data.body.type) ? bodies[env.data.body.type] : undefined;
  if (!schema) {
    return {
      ok: false,
      code: ErrorCode.not_supported,
      text: `message type "${env.data.body.type}" is not supported here`,
      ...seen,
    };
  }
  const body = schema.safeParse(env.data.body);
  if (!body.success) {
    return {
      ok: false,
      code: ErrorCode.malformed_request,
      text: `bad ${env.data.body.type} body: ${describeIssues(body.error)}`,
      ...seen,
    };
  }
  const { msg_id, in_reply_to } = env.data.body;
  const ids: MsgIds = {};
  if (msg_id !== undefined) ids.msg_id = msg_id;
  if (in_reply_to !== undefined) ids.in_reply_to = in_reply_to;
  return { ok: true, msg: { ...env.data, body: { ...ids, ...(body.data as object) } as BodyOf<T> & MsgIds } };
}

export function encode(msg: Typed<unknown>): string {
  return JSON.stringify(msg);
}

/** Builds a `{type:"error"}` reply envelope. */
export function errorReply(src: string, dest: string, code: number, text: string, inReplyTo?: number) {
  return {
    src,
    dest,
    body: { type: 'error' as const, code, text, ...(inReplyTo === undefined ? {} : { in_reply_to: inReplyTo }) },
  };
}
