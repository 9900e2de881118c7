/**
 * The one place bytes become messages. `decode()` never throws: it returns the message or the wire
 * error to answer with, so a receiver can log, reply and carry on serving everyone else.
 */
import { z } from 'zod';
import { Envelope, type Typed } from './envelope.js';
import { ErrorCode } from './error-codes.js';
import { MAX_PAYLOAD_BYTES } from '../runtime/constants.js';

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
    .flatMap(unionBranchIssues)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/**
 * A union's own message is only "Invalid input": the branch that got past the type check (the
 * right shape, a wrong value) says what is wrong, under the union's path.
 */
function unionBranchIssues(issue: z.core.$ZodIssue): Array<{ path: PropertyKey[]; message: string }> {
  if (issue.code !== 'invalid_union') return [issue];
  const inner = issue.errors.flat().filter((i) => i.code !== 'invalid_type');
  if (inner.length === 0) return [issue];
  return inner.flatMap(unionBranchIssues).map((i) => ({ path: [...issue.path, ...i.path], message: i.message }));
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

function frameText(data: unknown): string | DecodeFailure {
  if (typeof data === 'string') {
    // Only a string that could be over the limit pays for measuring its UTF-8 length.
    if (data.length * 3 > MAX_PAYLOAD_BYTES && Buffer.byteLength(data) > MAX_PAYLOAD_BYTES) return tooLarge(Buffer.byteLength(data));
    return data;
  }
  const bytes = dataToBuffer(data);
  if (bytes === undefined) return { ok: false, code: ErrorCode.malformed_request, text: 'frame is not text' };
  if (bytes.length > MAX_PAYLOAD_BYTES) return tooLarge(bytes.length);
  return bytes.toString('utf8');
}

function tooLarge(size: number): DecodeFailure {
  return { ok: false, code: ErrorCode.frame_too_large, text: `frame of ${size} bytes exceeds ${MAX_PAYLOAD_BYTES}` };
}

function parseJson(text: string): { value: unknown } | DecodeFailure {
  try {
    return { value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, code: ErrorCode.malformed_request, text: `invalid JSON: ${(err as Error).message}` };
  }
}

function unsupported(type: string, value: unknown): DecodeFailure {
  return { ok: false, code: ErrorCode.not_supported, text: `message type "${type}" is not supported here`, ...peek(value) };
}

/** Checks one parsed envelope against the envelope schema and its body's schema. */
/** `fallback`: the schema for body types the table does not name (a behaviour's own messages). */
function checkEnvelope<T extends BodyTable>(value: unknown, bodies: T, fallback?: z.ZodType): DecodeResult<BodyOf<T>> {
  const env = Envelope.safeParse(value);
  if (!env.success) {
    return { ok: false, code: ErrorCode.malformed_request, text: `bad envelope: ${describeIssues(env.error)}`, ...peek(value) };
  }
  const body = checkBody(env.data.body, bodies, true, fallback);
  if (!body.ok) return { ...body, ...peek(value) };
  return { ok: true, msg: { ...env.data, body: body.body } };
}

/**
 * Checks a body against its type's schema in `bodies` (or `fallback`), or only its type when not
 * `validate`: what a frame's decode checks of each envelope's body, and what an opened end-to-end
 * seal's body is checked with.
 */
export function checkBody<T extends BodyTable>(value: unknown, bodies: T, validate = true, fallback?: z.ZodType): { ok: true; body: BodyOf<T> & MsgIds } | DecodeFailure {
  const raw = value as { type?: unknown; msg_id?: unknown; in_reply_to?: unknown } | null;
  if (typeof raw !== 'object' || raw === null || typeof raw.type !== 'string') return { ok: false, code: ErrorCode.malformed_request, text: 'bad body: needs a string type' };
  const type = raw.type;
  // hasOwn, not a plain lookup: a type named "constructor" or "__proto__" must not find Object's own.
  const schema = Object.hasOwn(bodies, type) ? bodies[type] : fallback;
  if (!schema) return { ok: false, code: ErrorCode.not_supported, text: `message type "${type}" is not supported here`, type };
  if (!validate) return { ok: true, body: raw as BodyOf<T> & MsgIds };
  for (const id of [raw.msg_id, raw.in_reply_to]) {
    if (id !== undefined && !(Number.isInteger(id) && (id as number) >= 0)) return { ok: false, code: ErrorCode.malformed_request, text: `bad ${type} body: msg_id and in_reply_to are integers >= 0`, type };
  }
  const body = schema.safeParse(raw);
  if (!body.success) return { ok: false, code: ErrorCode.malformed_request, text: `bad ${type} body: ${describeIssues(body.error)}`, type };
  // Body schemas drop keys they do not name; msg_id and in_reply_to belong to every body.
  const checked = body.data as BodyOf<T> & MsgIds;
  if (raw.msg_id !== undefined) checked.msg_id = raw.msg_id as number;
  if (raw.in_reply_to !== undefined) checked.in_reply_to = raw.in_reply_to as number;
  return { ok: true, body: checked };
}

/**
 * The structure a receiver relies on, without the schemas: what `--peer-validation off` keeps, so
 * its cost can be measured. Field types inside bodies are then trusted, not checked.
 */
function checkShape<T extends BodyTable>(value: unknown, bodies: T, fallback?: z.ZodType): DecodeResult<BodyOf<T>> {
  const env = value as { src?: unknown; dest?: unknown; body?: { type?: unknown } } | null;
  if (typeof env !== 'object' || env === null || typeof env.src !== 'string' || typeof env.dest !== 'string' || typeof env.body !== 'object' || env.body === null || typeof env.body.type !== 'string') {
    return { ok: false, code: ErrorCode.malformed_request, text: 'bad envelope: needs string src, dest and body.type', ...peek(value) };
  }
  if (!Object.hasOwn(bodies, env.body.type) && !fallback) return unsupported(env.body.type, value);
  return { ok: true, msg: value as Typed<BodyOf<T> & MsgIds> };
}

/** Decodes a frame holding one envelope. */
export function decode<T extends BodyTable>(data: unknown, bodies: T): DecodeResult<BodyOf<T>> {
  const text = frameText(data);
  if (typeof text !== 'string') return text;
  const parsed = parseJson(text);
  if (!('value' in parsed)) return parsed;
  return checkEnvelope(parsed.value, bodies);
}

/**
 * Decodes a frame holding one envelope or, between nodes, a JSON array of envelopes (a link
 * shaper releasing several due messages at once sends them in one frame). Each envelope is checked
 * on its own, so one bad message in a batch does not cost the others.
 */
export function decodeFrame<T extends BodyTable>(data: unknown, bodies: T, validate = true, fallback?: z.ZodType): Array<DecodeResult<BodyOf<T>>> {
  const text = frameText(data);
  if (typeof text !== 'string') return [text];
  const parsed = parseJson(text);
  if (!('value' in parsed)) return [parsed];
  const check = validate ? checkEnvelope : checkShape;
  if (!Array.isArray(parsed.value)) return [check(parsed.value, bodies, fallback)];
  if (parsed.value.length === 0) return [{ ok: false, code: ErrorCode.malformed_request, text: 'empty batch' }];
  return parsed.value.map((v) => check(v, bodies, fallback));
}

/** One frame carrying several already-encoded envelopes. */
export function encodeBatch(frames: readonly string[]): string {
  return frames.length === 1 ? (frames[0] as string) : `[${frames.join(',')}]`;
}

/**
 * The UTF-8 length of a value's JSON: how a behaviour measures what a body costs, and how a
 * checker measures what it compares that cost with, so both count bytes the same way.
 */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

export function encode(msg: Typed<unknown>): string {
  return JSON.stringify(msg);
}

/** Builds a `{type:"error"}` reply envelope. */
export function errorReply(src: string, dest: string, code: number, text: string, inReplyTo?: number, refusal?: string) {
  return {
    src,
    dest,
    body: { type: 'error' as const, code, text, ...(inReplyTo === undefined ? {} : { in_reply_to: inReplyTo }), ...(refusal === undefined ? {} : { refusal }) },
  };
}
