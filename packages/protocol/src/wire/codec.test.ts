import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkBody, decode, describeIssues, encode, errorReply, type DecodeFailure } from './codec.js';
import { ErrorCode } from './error-codes.js';
import { ErrorBody } from './envelope.js';
import { Chatter, LinkBye, LinkHelloOk } from './peer-messages.js';
import { MAX_PAYLOAD_BYTES } from '../runtime/constants.js';

const BODIES = { chatter: Chatter, link_bye: LinkBye, link_hello_ok: LinkHelloOk, error: ErrorBody };

const valid = {
  src: 'n0',
  dest: 'n1',
  id: 'n0-3',
  sent_at: 1700000000123.5,
  delay_ms: 87.25,
  body: { type: 'chatter', msg_id: 3, text: 'Hello from n0' },
};

/** Decodes and insists on a failure, so the assertions that follow are about it. */
function failure(data: unknown): DecodeFailure {
  const res = decode(data, BODIES);
  if (res.ok) throw new Error(`expected a failure, got ${JSON.stringify(res.msg)}`);
  return res;
}

describe('decode: success', () => {
  it('returns the typed message with journal fields', () => {
    const res = decode(JSON.stringify(valid), BODIES);
    expect(res).toEqual({ ok: true, msg: valid });
  });

  it('accepts a Buffer, a list of Buffers and an ArrayBuffer', () => {
    const text = JSON.stringify(valid);
    const buf = Buffer.from(text, 'utf8');
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    for (const data of [buf, [buf.subarray(0, 10), buf.subarray(10)], ab]) {
      const res = decode(data, BODIES);
      expect(res.ok).toBe(true);
      if (res.ok) expect(res.msg.body).toEqual(valid.body);
    }
  });

  it('applies the body schema (unknown body fields are stripped by a strict object schema)', () => {
    const res = decode(JSON.stringify({ ...valid, body: { ...valid.body, extra: 1 } }), BODIES);
    expect(res.ok).toBe(true);
    if (res.ok) expect(res.msg.body).toEqual(valid.body);
  });

  it('keeps msg_id and in_reply_to even where the body schema omits them', () => {
    const res = decode(JSON.stringify({ src: 'n0', dest: 'n1', body: { type: 'link_bye', msg_id: 4, in_reply_to: 0 } }), BODIES);
    expect(res).toEqual({ ok: true, msg: { src: 'n0', dest: 'n1', body: { type: 'link_bye', msg_id: 4, in_reply_to: 0 } } });
    const ok = decode(JSON.stringify({ src: 'n1', dest: 'n0', body: { type: 'link_hello_ok', in_reply_to: 2, msg_id: 9 } }), BODIES);
    expect(ok.ok && ok.msg.body).toEqual({ type: 'link_hello_ok', in_reply_to: 2, msg_id: 9 });
  });

  it('adds no msg_id or in_reply_to keys that were not sent', () => {
    const res = decode(JSON.stringify({ src: 'n0', dest: 'n1', body: { type: 'link_bye' } }), BODIES);
    expect(res.ok).toBe(true);
    if (res.ok) expect(Object.keys(res.msg.body)).toEqual(['type']);
  });

  it('round-trips through encode()', () => {
    const res = decode(encode({ src: 'n2', dest: 'n3', body: { type: 'link_bye' } }), BODIES);
    expect(res).toEqual({ ok: true, msg: { src: 'n2', dest: 'n3', body: { type: 'link_bye' } } });
  });
});

describe('decode: failures', () => {
  it('invalid JSON -> malformed_request (12)', () => {
    const f = failure('{"src": "n0", ');
    expect(f.code).toBe(12);
    expect(f.code).toBe(ErrorCode.malformed_request);
    expect(f.text).toMatch(/^invalid JSON: /);
    expect(f.src).toBeUndefined();
  });

  it.each([
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['an object', { src: 'n0' }],
    ['a Uint8Array that is not a Buffer', new Uint8Array([123, 125])],
    ['a list holding a non-Buffer', [Buffer.from('{'), 'x']],
  ])('non-text frame (%s) -> 12', (_, data) => {
    const f = failure(data);
    expect(f.code).toBe(ErrorCode.malformed_request);
    expect(f.text).toBe('frame is not text');
  });

  it('measures the size limit in bytes, not characters', () => {
    // Three bytes of UTF-8 per character: under the limit in characters, over it in bytes.
    const f = failure('\u20ac'.repeat(Math.floor(MAX_PAYLOAD_BYTES / 3) + 1));
    expect(f.code).toBe(ErrorCode.frame_too_large);
  });

  it('oversized frame -> frame_too_large (1000)', () => {
    const f = failure('x'.repeat(MAX_PAYLOAD_BYTES + 1));
    expect(f.code).toBe(ErrorCode.frame_too_large);
    expect(f.text).toContain(String(MAX_PAYLOAD_BYTES));
  });

  it.each([
    ['JSON null', 'null'],
    ['a JSON array', '[1,2]'],
    ['a JSON string', '"hello"'],
    ['no body', JSON.stringify({ src: 'n0', dest: 'n1' })],
    ['no dest', JSON.stringify({ src: 'n0', body: { type: 'chatter' } })],
    ['an empty body type', JSON.stringify({ src: 'n0', dest: 'n1', body: { type: '' } })],
    ['a negative delay', JSON.stringify({ ...valid, delay_ms: -1 })],
  ])('bad envelope (%s) -> 12', (_, text) => {
    const f = failure(text);
    expect(f.code).toBe(ErrorCode.malformed_request);
    expect(f.text).toMatch(/^bad envelope: /);
  });

  it('names the offending path of a bad envelope', () => {
    const f = failure(JSON.stringify({ src: 'n0', dest: 'n1', body: { type: 'chatter', msg_id: -4 } }));
    expect(f.text).toContain('body.msg_id');
  });

  it('unknown body type -> not_supported (10), naming the type', () => {
    const f = failure(JSON.stringify({ src: 'n4', dest: 'n1', body: { type: 'gossip', msg_id: 9 } }));
    expect(f.code).toBe(10);
    expect(f.code).toBe(ErrorCode.not_supported);
    expect(f.text).toBe('message type "gossip" is not supported here');
    expect(f).toMatchObject({ src: 'n4', msg_id: 9, type: 'gossip' });
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])(
    'body type %j, an Object.prototype name, is unsupported and does not throw',
    (type) => {
      const text = JSON.stringify({ src: 'n4', dest: 'n1', body: { type, msg_id: 1 } });
      let res: ReturnType<typeof decode> | undefined;
      expect(() => (res = decode(text, BODIES))).not.toThrow();
      expect(res).toMatchObject({ ok: false, code: ErrorCode.not_supported });
    },
  );

  it('bad body -> 12, naming the field', () => {
    const f = failure(JSON.stringify({ ...valid, body: { type: 'chatter', msg_id: 5, text: 7 } }));
    expect(f.code).toBe(ErrorCode.malformed_request);
    expect(f.text).toMatch(/^bad chatter body: text: /);
    expect(f).toMatchObject({ src: 'n0', msg_id: 5, type: 'chatter' });
  });

  it('extracts src/msg_id/type from a bad envelope when they are there', () => {
    const f = failure(JSON.stringify({ src: 'n7', body: { type: 'chatter', msg_id: 12 } }));
    expect(f).toMatchObject({ code: 12, src: 'n7', msg_id: 12, type: 'chatter' });
  });

  it('extracts msg_id 0', () => {
    const f = failure(JSON.stringify({ src: 'n7', body: { type: 'chatter', msg_id: 0 } }));
    expect(f.msg_id).toBe(0);
  });

  it('leaves out what is missing or of the wrong kind', () => {
    const f = failure(JSON.stringify({ src: 5, dest: 'n1', body: { type: 3, msg_id: 1.5 } }));
    expect(f.code).toBe(12);
    expect('src' in f).toBe(false);
    expect('msg_id' in f).toBe(false);
    expect('type' in f).toBe(false);
    const g = failure(JSON.stringify({ src: 'n1', dest: 'n2', body: 'chatter' }));
    expect(g.src).toBe('n1');
    expect('msg_id' in g).toBe(false);
    expect(failure(JSON.stringify({ src: 'n1', body: { msg_id: -1 } })).msg_id).toBeUndefined();
  });

  it('never throws on odd input', () => {
    const odd: unknown[] = ['', ' ', '{}', '[]', 'true', '{"body":null}', '{"src":"a","dest":"b","body":{"type":"chatter","msg_id":"1"}}', Symbol('x'), () => 1, 10n, new ArrayBuffer(0), []];
    for (const data of odd) {
      const res = decode(data, BODIES);
      expect(res.ok).toBe(false);
    }
  });
});

describe('errorReply', () => {
  it('builds an error envelope with in_reply_to', () => {
    expect(errorReply('n1', 'n0', ErrorCode.not_supported, 'nope', 4)).toEqual({
      src: 'n1',
      dest: 'n0',
      body: { type: 'error', code: 10, text: 'nope', in_reply_to: 4 },
    });
  });

  it('keeps in_reply_to 0 and omits the key when there is nothing to reply to', () => {
    expect(errorReply('a', 'b', 12, 't', 0).body.in_reply_to).toBe(0);
    expect('in_reply_to' in errorReply('a', 'b', 12, 't').body).toBe(false);
  });

  it('decodes as a valid error message', () => {
    const res = decode(encode(errorReply('n1', 'n0', 13, 'crashed', 2)), BODIES);
    expect(res).toEqual({ ok: true, msg: { src: 'n1', dest: 'n0', body: { type: 'error', code: 13, text: 'crashed', in_reply_to: 2 } } });
  });
});

describe('describeIssues', () => {
  it('joins path: message pairs with "; " and leaves root issues without a path', () => {
    const schema = z.object({ a: z.number(), b: z.object({ c: z.string({ error: 'c must be text' }) }) });
    const res = schema.safeParse({ a: 'x', b: { c: 1 } });
    expect(res.success).toBe(false);
    if (res.success) return;
    const text = describeIssues(res.error);
    const parts = text.split('; ');
    expect(parts).toHaveLength(2);
    expect(parts[0]).toMatch(/^a: /);
    expect(parts[1]).toBe('b.c: c must be text');

    const root = z.string({ error: 'need text' }).safeParse(3);
    expect(root.success).toBe(false);
    if (!root.success) expect(describeIssues(root.error)).toBe('need text');
  });

  it('joins array indices into the path', () => {
    const res = z.object({ xs: z.array(z.number()) }).safeParse({ xs: [1, 'two'] });
    expect(res.success).toBe(false);
    if (!res.success) expect(describeIssues(res.error)).toMatch(/^xs\.1: /);
  });
});

describe('checkBody (an opened end-to-end seal)', () => {
  it('checks a body alone as decode checks an envelope body', () => {
    expect(checkBody({ type: 'chatter', msg_id: 2, text: 'hi', extra: 1 }, BODIES)).toEqual({ ok: true, body: { type: 'chatter', msg_id: 2, text: 'hi' } });
    expect(checkBody({ type: 'chatter', msg_id: 2 }, BODIES)).toMatchObject({ ok: false, code: ErrorCode.malformed_request, text: expect.stringMatching(/^bad chatter body: text/) });
    expect(checkBody({ type: 'error', code: 12, text: 'x', in_reply_to: -1 }, BODIES)).toMatchObject({ ok: false, code: ErrorCode.malformed_request });
    expect(checkBody({ type: 'nope' }, BODIES)).toMatchObject({ ok: false, code: ErrorCode.not_supported, type: 'nope' });
    expect(checkBody('chatter', BODIES)).toMatchObject({ ok: false, code: ErrorCode.malformed_request });
    // Without validation only the type is looked up, as --peer-validation off does.
    expect(checkBody({ type: 'chatter' }, BODIES, false)).toEqual({ ok: true, body: { type: 'chatter' } });
  });
});
