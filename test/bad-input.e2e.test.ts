/**
 * Bad input from a raw `ws` client, sent to a running node and to the coordinator: each gets a
 * warning log line with `err`, an error reply with the right code where the message had a msg_id,
 * and the run goes on for everyone else.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ErrorCode, MAX_PAYLOAD_BYTES } from '@agentnet/protocol';
import { accountingHolds, useClusters } from './helpers/cluster.js';
import { readLogLines, waitForLogLine } from './helpers/processes.js';
import { OPEN_ENDED, deliveredSoFar, pollUntil, stopRun } from './helpers/run-control.js';
import { connectRaw as connect } from './helpers/raw-client.js';

const startCluster = useClusters();
const rejections = (path: string) => readLogLines(path).filter((l) => l.msg === 'reject' && l.level === 'warn');

describe('bad input', () => {
  it('is answered, logged and survived by nodes and the coordinator', async () => {
    // Open-ended: the abuse below takes as long as the machine needs; the test ends the run after it.
    const run = startCluster(['--nodes', '3', '--duration', OPEN_ENDED, '--interval', '30:80', '--seed', '11']);
    const listening = await waitForLogLine(run.coordinatorLog, (l) => l.msg === 'listening');
    await waitForLogLine(run.coordinatorLog, (l) => l.msg === 'start');
    const n0Url = readLogLines(run.coordinatorLog).find((l) => l.msg === 'register' && l.node_id === 'n0')?.url as string;
    const n0Log = join(run.dir, 'n0.log');

    // --- a node ---
    const peer = await connect(n0Url);
    const noReply = (async () => {
      // Invalid JSON has no msg_id to answer; it is logged.
      peer.socket.send('{not json');
      await waitForLogLine(n0Log, (l) => l.msg === 'reject' && String((l.err as { message?: string })?.message).includes('invalid JSON'), 10_000);
    })();
    await noReply;

    let reply = await peer.ask(JSON.stringify({ src: 'x', dest: 'n0', body: { type: 'chatter', msg_id: 5 } }));
    expect(reply.body).toMatchObject({ type: 'error', code: ErrorCode.malformed_request, in_reply_to: 5 });
    expect(String(reply.body.text)).toMatch(/text/);

    reply = await peer.ask(JSON.stringify({ src: 'x', dest: 'n0', body: { type: 'bogus', msg_id: 6 } }));
    expect(reply.body).toMatchObject({ type: 'error', code: ErrorCode.not_supported, in_reply_to: 6 });

    reply = await peer.ask(JSON.stringify({ src: 'intruder', dest: 'n0', body: { type: 'link_hello', msg_id: 7 } }));
    expect(reply.body).toMatchObject({ type: 'error', code: ErrorCode.unknown_peer, in_reply_to: 7 });

    // A well-formed message that claims to come from a real peer, but on a socket that never linked.
    reply = await peer.ask(JSON.stringify({ src: 'n1', dest: 'n0', id: 'n1-999', sent_at: 1, delay_ms: 0, body: { type: 'chatter', msg_id: 8, text: 'hi' } }));
    expect(reply.body).toMatchObject({ type: 'error', code: ErrorCode.unknown_peer, in_reply_to: 8 });

    reply = await peer.ask(JSON.stringify({ src: 'x', dest: 'n7', body: { type: 'chatter', msg_id: 9, text: 'hi' } }));
    expect(reply.body).toMatchObject({ type: 'error', code: ErrorCode.node_not_found, in_reply_to: 9 });

    // A hello_ok on a socket this node never dialed does not open a link.
    reply = await peer.ask(JSON.stringify({ src: 'n1', dest: 'n0', body: { type: 'link_hello_ok', in_reply_to: 0, msg_id: 10 } }));
    expect(reply.body).toMatchObject({ type: 'error', code: ErrorCode.unknown_peer, in_reply_to: 10 });

    const big = await connect(n0Url);
    big.socket.send('x'.repeat(MAX_PAYLOAD_BYTES + 1));
    expect(await big.closed).toBe(1009);
    await waitForLogLine(n0Log, (l) => l.msg === 'socket_error' && l.level === 'warn' && l.err !== undefined, 10_000);
    expect(rejections(n0Log).length).toBeGreaterThanOrEqual(6);
    expect(rejections(n0Log).every((l) => typeof (l.err as { message?: unknown }).message === 'string')).toBe(true);

    // --- the coordinator ---
    const coordinatorUrl = listening.url as string;
    const ctl = await connect(coordinatorUrl);
    ctl.socket.send('][');
    await waitForLogLine(run.coordinatorLog, (l) => l.msg === 'reject' && String((l.err as { message?: string })?.message).includes('invalid JSON'), 10_000);

    reply = await ctl.ask(JSON.stringify({ src: 'new', dest: 'coordinator', body: { type: 'register', msg_id: 1 } }));
    expect(reply.body).toMatchObject({ type: 'error', code: ErrorCode.malformed_request, in_reply_to: 1 });

    reply = await ctl.ask(JSON.stringify({ src: 'new', dest: 'coordinator', body: { type: 'register', msg_id: 2, url: 'ws://127.0.0.1:1', pid: 1, hostname: 'x' } }));
    expect(reply.body).toMatchObject({ type: 'error', code: ErrorCode.cluster_full, in_reply_to: 2 });

    reply = await ctl.ask(JSON.stringify({ src: 'n0', dest: 'coordinator', body: { type: 'ready', msg_id: 3, in_reply_to: 1, peers: [] } }));
    expect(reply.body).toMatchObject({ type: 'error', code: ErrorCode.unexpected_message, in_reply_to: 3 });

    reply = await ctl.ask(JSON.stringify({ src: 'new', dest: 'n1', body: { type: 'register', msg_id: 5, url: 'ws://127.0.0.1:1', pid: 1, hostname: 'x' } }));
    expect(reply.body).toMatchObject({ type: 'error', code: ErrorCode.node_not_found, in_reply_to: 5 });

    reply = await ctl.ask(JSON.stringify({ src: 'n0', dest: 'coordinator', body: { type: 'launch_missiles', msg_id: 4 } }));
    expect(reply.body).toMatchObject({ type: 'error', code: ErrorCode.not_supported, in_reply_to: 4 });

    const ctlBig = await connect(coordinatorUrl);
    ctlBig.socket.send('y'.repeat(MAX_PAYLOAD_BYTES + 1));
    expect(await ctlBig.closed).toBe(1009);
    expect(rejections(run.coordinatorLog).length).toBeGreaterThanOrEqual(5);
    const abuseEnded = Date.now();

    // Traffic goes on after the abuse: wait until n0 has both sent and received more messages than
    // were on their way (or unshipped, 200 ms of journal) when it ended, then end the run.
    const delivered = (filter: string) => deliveredSoFar(run.dir, filter);
    const [fromN0, toN0] = [await delivered('src=n0'), await delivered('dest=n0')];
    await pollUntil(async () => (await delivered('src=n0')) >= fromN0 + 20 && (await delivered('dest=n0')) >= toN0 + 20, 30_000, 'n0 to send and receive after the abuse');
    await stopRun(run.dir);

    // Everyone else was served throughout: the run completes normally with nothing lost.
    const { code } = await run.exit;
    expect(code, run.stderr()).toBe(0);
    const report = run.report();
    expect(accountingHolds(report, run.messages())).toBe(true);
    expect(report.per_node.every((n) => n.status === 'ok')).toBe(true);
    expect(report.totals.in_flight).toBeLessThan(report.totals.sent);
    // Traffic kept flowing after the abuse: n0 sent and received messages after the last bad frame.
    const after = run.messages().filter((m) => m.sent_at > abuseEnded && m.status === 'delivered');
    expect(after.some((m) => m.dest === 'n0')).toBe(true);
    expect(after.some((m) => m.src === 'n0')).toBe(true);
  });
});
