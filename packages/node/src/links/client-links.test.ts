/**
 * A real node (in this process, run by a stand-in coordinator) and the workload's client links:
 * a hello from a client id is accepted though no `init` names it; client operations reach the
 * behaviour's handlers and their replies come back; every request and reply is journaled; bad
 * input gets an error reply and a log line, and the node goes on serving; at stop the client link
 * is drained like a peer's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode } from '@agentnet/protocol';
import { rawClient, startNode } from '../../fixtures/agent-node.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/client-kv.ts', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const op = (client: string, k: number, body: Record<string, unknown>) => ({ src: client, dest: 'n0', id: `${client}-${k}`, sent_at: Date.now(), body: { msg_id: k, ...body } });

describe('client links on a node', () => {
  it('serves a client: hello, operations to the handlers, replies journaled, bad input refused, drained at stop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentnet-client-links-'));
    dirs.push(dir);
    const node = await startNode(dir, FIXTURE);
    const c1 = await rawClient(node.url, 'c1');
    const reply = (k: number) => c1.inbox.take((f) => f.body.in_reply_to === k, `the reply to ${k}`);

    c1.send({ src: 'c1', dest: 'n0', body: { type: 'link_hello', msg_id: 0 } });
    expect((await reply(0)).body).toEqual({ type: 'link_hello_ok', in_reply_to: 0 });
    // Before the node's start: a definite refusal, and the request is journaled all the same.
    c1.send(op('c1', 1, { type: 'read', key: 1 }));
    expect((await reply(1)).body).toMatchObject({ type: 'error', code: ErrorCode.temporarily_unavailable });

    node.start();
    await node.events.take((e) => e.kind === 'started', 'the behaviour to start');
    c1.send(op('c1', 2, { type: 'write', key: 1, value: 7 }));
    const written = await reply(2);
    expect(written).toMatchObject({ src: 'n0', dest: 'c1', body: { type: 'write_ok' } });
    // Replies carry the journal fields, so the client can journal their receipt.
    expect(written.id).toMatch(/^n0-\d+$/);
    expect(typeof written.sent_at).toBe('number');
    await c1.inbox.take((f) => f.body.type === 'note', 'the note the behaviour sent the client');
    c1.send(op('c1', 3, { type: 'read', key: 1 }));
    expect((await reply(3)).body).toMatchObject({ type: 'read_ok', value: 7 });
    c1.send(op('c1', 4, { type: 'read', key: 2 }));
    expect((await reply(4)).body).toMatchObject({ type: 'error', code: ErrorCode.key_does_not_exist });
    // A handler that throws: code 13, which a client counts as indeterminate.
    c1.send(op('c1', 5, { type: 'cas', key: 1, from: 7, to: 8 }));
    expect((await reply(5)).body).toMatchObject({ type: 'error', code: ErrorCode.crash, text: 'cas is broken in this fixture' });

    // Bad input: each gets its error reply, and the node goes on.
    c1.send(op('c1', 6, { type: 'read' }));
    expect((await reply(6)).body).toMatchObject({ type: 'error', code: ErrorCode.malformed_request, text: expect.stringMatching(/^bad read body: key/) });
    c1.send(op('c1', 7, { type: 'increment', key: 1 }));
    expect((await reply(7)).body).toMatchObject({ type: 'error', code: ErrorCode.not_supported, text: `message type "increment" is not handled by this node's behaviour` });
    c1.send({ src: 'c1', dest: 'n0', body: { type: 'read', key: 1, msg_id: 8 } });
    expect((await reply(8)).body).toMatchObject({ type: 'error', code: ErrorCode.malformed_request, text: expect.stringMatching(/journal fields/) });
    c1.send({ ...op('c1', 9, { type: 'read', key: 1 }), src: 'c2' });
    expect((await reply(9)).body).toMatchObject({ type: 'error', code: ErrorCode.unknown_peer });
    c1.send({ ...op('c1', 10, { type: 'read', key: 1 }), dest: 'n1', ttl: 3 });
    expect((await reply(10)).body).toMatchObject({ type: 'error', code: ErrorCode.node_not_found });
    c1.send('{not json');
    // A second link for the same client is refused; a client on its own socket is served.
    const again = await rawClient(node.url, 'c1');
    again.send({ src: 'c1', dest: 'n0', body: { type: 'link_hello', msg_id: 0 } });
    expect((await again.inbox.take((f) => f.body.in_reply_to === 0, 'the second hello refused')).body).toMatchObject({ code: ErrorCode.unexpected_message });
    again.close();
    c1.send(op('c1', 11, { type: 'read', key: 1 }));
    expect((await reply(11)).body).toMatchObject({ type: 'read_ok', value: 7 });

    const { counters, exitCode } = await node.stop();
    expect(exitCode).toBe(0);
    // The node said goodbye on the client link and waited for the client's own bye.
    expect(c1.inbox.items.some((f) => f.body.type === 'link_bye')).toBe(true);
    await c1.closed;

    // Every request that carried the journal fields was journaled as received, and every reply
    // (and the note) as sent to c1; refusals are not messages.
    const received = node.records.filter((r) => r.t === 'recv').map((r) => r.id);
    expect(received).toEqual(['c1-1', 'c1-2', 'c1-3', 'c1-4', 'c1-5', 'c1-7', 'c1-11']);
    const sent = node.records.filter((r) => r.t === 'send');
    expect(sent.every((r) => r.src === 'n0' && r.dest === 'c1' && r.delay_ms === 0)).toBe(true);
    // write_ok, note, read_ok, error 20, error 13, read_ok.
    expect(sent).toHaveLength(6);
    expect(node.records.some((r) => r.t === 'drop')).toBe(false);
    expect(counters).toEqual({ sent: 6, received: received.length, dropped: 0, in_flight: 0 });

    const log = readFileSync(join(dir, 'n0.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(log.some((l) => l.msg === 'client_connect' && l.client === 'c1')).toBe(true);
    const refusals = log.filter((l) => l.msg === 'reject').map((l) => (l.err as { code: number }).code);
    expect(refusals).toEqual(expect.arrayContaining([11, 12, 10, 1001, 1, 1002]));
  });
});
