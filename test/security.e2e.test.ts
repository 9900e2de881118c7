/**
 * `--security on`, end to end with real processes, attacked by a raw `ws` client that makes its
 * proofs by hand (node:crypto, docs/security.md), apart from the project's own code: a register, a
 * link hello and a control API call without the run secret's proof, with a wrong one, and a valid
 * one replayed are each refused, logged and counted in report.json, while the nodes serve their
 * real peers and the workload's clients throughout (exact accounting). The secret is in no
 * process's argv, no file of the run and no log line. A member (it holds the secret and a real
 * certificate) seals data messages by hand: a replay, a flipped byte and an unsealed message are
 * refused at their destination and dropped as `rejected`, exactly counted.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it, onTestFinished } from 'vitest';
import { EXIT_ERROR, ErrorCode } from '@agentnet/protocol';
import { accountingHolds, startByHand, useClusters } from './helpers/cluster.js';
import { COORDINATOR_MAIN, CTL, NODE_MAIN, isAlive, readLogLines, spawnTs, waitForLogLine, waitUntil } from './helpers/processes.js';
import { OPEN_ENDED, apiFetch, applyFault, controlFileOf, deliveredSoFar, pollUntil, stopRun } from './helpers/run-control.js';
import { connectRaw, listenRaw, type RawClient } from './helpers/raw-client.js';
import { attackerKey, attackerKx, fromOtherAuthority, selfSigned, tryOpen } from './helpers/tls-attacker.js';
import { handSeal } from './helpers/seal-attacker.js';

const startCluster = useClusters();

/** The run secret as the launcher handed it to the coordinator: the trusted host can read it. */
function secretOf(pid: number): Buffer {
  const env = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
  const hex = env.find((e) => e.startsWith('AGENTNET_SECRET='))?.slice('AGENTNET_SECRET='.length);
  if (hex === undefined) throw new Error(`no AGENTNET_SECRET in the environment of ${pid}`);
  return Buffer.from(hex, 'hex');
}

/** A proof as docs/security.md defines it: HMAC-SHA256 under the secret over [label, nonce, ...parts]. */
function proof(secret: Buffer, label: string, parts: unknown[]): { nonce: string; mac: string } {
  const nonce = randomBytes(16).toString('hex');
  return { nonce, mac: createHmac('sha256', secret).update(JSON.stringify([label, nonce, ...parts])).digest('hex') };
}
const forged = () => ({ nonce: randomBytes(16).toString('hex'), mac: randomBytes(32).toString('hex') });

describe('security on', () => {
  it('refuses registers, hellos and API calls without the run secret, and replays of valid ones; serves everyone else', async () => {
    const run = startCluster(['--nodes', '3', '--duration', OPEN_ENDED, '--interval', '30:80', '--seed', '21', '--security', 'on', '--behavior', 'raft', '--workload', 'kv', '--rate', '20']);
    const listening = await waitForLogLine(run.coordinatorLog, (l) => l.msg === 'listening');
    await waitForLogLine(run.coordinatorLog, (l) => l.msg === 'start');
    const secret = secretOf(listening.pid as number);
    const n0Url = readLogLines(run.coordinatorLog).find((l) => l.msg === 'register' && l.node_id === 'n0')?.url as string;

    // The secret is in no process's argv, and the API's token only in the run's 0600 control.json.
    const hex = secret.toString('hex');
    for (const pid of [run.child.pid as number, ...run.pids()]) expect(readFileSync(`/proc/${pid}/cmdline`, 'latin1'), `argv of ${pid}`).not.toContain(hex);
    const control = await controlFileOf(run.dir);
    expect(control.token).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(join(run.dir, 'control.json')).mode & 0o077).toBe(0);

    // --- the coordinator's wss:// port: plain ws, TLS without a certificate ---
    const coordinatorUrl = listening.url as string;
    expect(coordinatorUrl).toMatch(/^wss:\/\//);
    expect(await tryOpen(coordinatorUrl.replace(/^wss:/, 'ws:'))).toMatchObject({ opened: false });
    expect(await tryOpen(coordinatorUrl)).toMatchObject({ opened: false });
    // --- then with a certificate of its own (as a node shows before it has the run's): registers
    // without a proof, with a forged one, with a valid one for another key, and a valid one twice ---
    const me = attackerKey();
    const mine = { key: me.key, cert: await selfSigned('attacker', me) };
    const register = { url: 'wss://127.0.0.1:1', pid: 1, hostname: 'attacker', kx: attackerKx() };
    const parts = (publicKey: string) => [register.url, register.pid, register.hostname, null, publicKey, register.kx];
    const ask = async (body: Record<string, unknown>) => (await connectRaw(coordinatorUrl, mine)).ask(JSON.stringify({ src: 'x', dest: 'coordinator', body }));
    let reply = await ask({ type: 'register', msg_id: 1, ...register, public_key: me.publicKey });
    expect(reply.body).toMatchObject({ type: 'error', code: ErrorCode.unauthorized, in_reply_to: 1 });
    expect(String(reply.body.text)).toMatch(/no proof of the run secret/);
    reply = await ask({ type: 'register', msg_id: 2, ...register, public_key: me.publicKey, proof: forged() });
    expect(reply.body).toMatchObject({ code: ErrorCode.unauthorized, text: expect.stringMatching(/does not match the run secret/) });
    const other = attackerKey().publicKey;
    reply = await ask({ type: 'register', msg_id: 3, ...register, public_key: other, proof: proof(secret, 'agentnet/1 register', parts(other)) });
    expect(reply.body).toMatchObject({ code: ErrorCode.unauthorized, text: expect.stringMatching(/names someone else/) });
    const valid = { type: 'register', msg_id: 4, ...register, public_key: me.publicKey, proof: proof(secret, 'agentnet/1 register', parts(me.publicKey)) };
    // Valid, so it gets past the guard, to a run that has all its nodes.
    reply = await ask(valid);
    expect(reply.body).toMatchObject({ code: ErrorCode.cluster_full });
    reply = await ask(valid);
    expect(reply.body).toMatchObject({ code: ErrorCode.unauthorized, text: expect.stringMatching(/used before \(a replay\)/) });

    // --- n0's wss:// port: plain ws, no certificate, a certificate from another authority, TLS 1.2 ---
    expect(n0Url).toMatch(/^wss:\/\//);
    expect(await tryOpen(n0Url.replace(/^wss:/, 'ws:'))).toMatchObject({ opened: false });
    expect(await tryOpen(n0Url)).toMatchObject({ opened: false });
    const foreign = { key: me.key, cert: await fromOtherAuthority('n2', me) };
    expect(await tryOpen(n0Url, foreign)).toMatchObject({ opened: false });
    expect(await tryOpen(n0Url, { ...foreign, maxVersion: 'TLSv1.2' })).toMatchObject({ opened: false });

    // --- the control API: no token, a wrong one, then the right one ---
    const state = (headers: Record<string, string>) => fetch(`${control.url}/state`, { headers });
    let res = await state({});
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ type: 'error', code: ErrorCode.unauthorized });
    res = await state({ authorization: `Bearer ${'0'.repeat(64)}` });
    expect(res.status).toBe(401);
    expect((await apiFetch(run.dir, '/state')).status).toBe(200);
    // npm run ctl takes the token from the run's control.json; with --url alone, from AGENTNET_API_TOKEN.
    const ctl = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
      const p = spawnTs(CTL, args, env);
      return { code: (await p.exit).code, out: p.stdout(), err: p.stderr() };
    };
    expect((await ctl(['state', '--run', run.dir])).code).toBe(0);
    const bare = await ctl(['state', '--url', control.url]);
    expect(bare).toMatchObject({ code: 1, err: expect.stringMatching(/unauthorized/) });
    expect((await ctl(['state', '--url', control.url], { AGENTNET_API_TOKEN: control.token })).code).toBe(0);

    // The run goes on: n0 keeps exchanging with its peers after the attacks.
    const [fromN0, toN0] = [await deliveredSoFar(run.dir, 'src=n0'), await deliveredSoFar(run.dir, 'dest=n0')];
    await pollUntil(async () => (await deliveredSoFar(run.dir, 'src=n0')) >= fromN0 + 20 && (await deliveredSoFar(run.dir, 'dest=n0')) >= toN0 + 20, 60_000, 'n0 to exchange after the attacks');
    await stopRun(run.dir);
    const { code } = await run.exit;
    expect(code, run.stderr()).toBe(0);

    const report = run.report();
    expect(report.security).toEqual({
      mode: 'on',
      refused: {
        total: 13,
        by_guard: {
          register: { not_tls: 1, no_certificate: 1, no_proof: 1, bad_proof: 1, wrong_identity: 1, replayed: 1 },
          link: { not_tls: 1, no_certificate: 1, untrusted_certificate: 1, old_tls: 1 },
          api: { no_proof: 2, bad_proof: 1 },
        },
      },
    });
    expect(accountingHolds(report, run.messages())).toBe(true);
    expect(report.per_node.every((n) => n.status === 'ok')).toBe(true);
    expect(report.verdict?.valid).toBe(true);
    expect(report.workload?.final_reads.every((r) => r.ok)).toBe(true);
    expect(report.workload?.clients.every((c) => c.received > 0)).toBe(true);
    expect(run.stdout()).toContain('"security"');
    // Each refusal is a `reject` line with its error under `err`.
    const unauthorized = (path: string) => readLogLines(path).filter((l) => l.msg === 'reject' && (l.err as { code?: number } | undefined)?.code === ErrorCode.unauthorized);
    expect(unauthorized(run.coordinatorLog).length).toBe(9);
    expect(unauthorized(join(run.dir, 'n0.log')).length).toBe(4);
    // No file the run wrote holds the secret, and only control.json the API's token.
    for (const file of readdirSync(run.dir)) {
      const text = readFileSync(join(run.dir, file), 'latin1');
      expect(text, file).not.toContain(hex);
      if (file !== 'control.json') expect(text, file).not.toContain(control.token);
    }
  }, 180_000);

  it("holds a member to its own certificate and seal: no link as another id or an earlier process, a hello proves the secret once, no replayed, altered or unsealed message", async () => {
    // Started by hand, as in containers: with no launcher to start a node's new process (and give
    // it a ticket for its place), a member holding the secret may take a lost node's place, which
    // gives the test a member with a certificate of its own.
    const run = startByHand(['--nodes', '3', '--duration', OPEN_ENDED, '--interval', '30:80', '--seed', '22', '--security', 'on']);
    const listening = await waitForLogLine(run.coordinatorLog, (l) => l.msg === 'listening');
    const nodeArgs = ['--coordinator', listening.url as string, '--log-dir', run.dir, '--host', '127.0.0.1', '--port', '0'];
    for (let i = 0; i < 3; i++) spawnTs(NODE_MAIN, nodeArgs, { AGENTNET_SECRET: run.secretHex });
    await waitForLogLine(run.coordinatorLog, (l) => l.msg === 'start');
    const secret = Buffer.from(run.secretHex, 'hex');
    const n0Url = readLogLines(run.coordinatorLog).find((l) => l.msg === 'register' && l.node_id === 'n0')?.url as string;
    // An attacker with the run secret (a compromised member's) and a key of its own. The pid it
    // states is a process of the test's, which the teardown stops with the run's.
    const decoy = spawn('sleep', ['600'], { stdio: 'ignore' });
    onTestFinished(() => void decoy.kill('SIGKILL'));
    const me = attackerKey();
    const mine = { key: me.key, cert: await selfSigned('attacker', me) };
    const sealer = handSeal();
    // Its own wss:// server, as a node has: n0 dials n2 (the smaller index dials).
    const server = await listenRaw(mine);
    const registerAs = async (id: string) => {
      const facts = { url: server.url, pid: decoy.pid as number, hostname: 'attacker', node_id: id, public_key: me.publicKey, kx: sealer.kx };
      const c = await connectRaw(listening.url as string, mine);
      const proofOf = proof(secret, 'agentnet/1 register', [facts.url, facts.pid, facts.hostname, id, me.publicKey, facts.kx]);
      return { c, reply: await c.ask(JSON.stringify({ src: 'x', dest: 'coordinator', body: { type: 'register', msg_id: 1, ...facts, proof: proofOf } })) };
    };
    // A node id that is running cannot be taken, secret or not.
    expect((await registerAs('n1')).reply.body).toMatchObject({ type: 'error', code: ErrorCode.cluster_full, text: expect.stringMatching(/cannot rejoin/) });
    // Once n2 is down, the attacker takes its place, and gets a certificate for n2 and its key.
    await applyFault(run.dir, { crash: 'n2' });
    await waitForLogLine(run.coordinatorLog, (l) => l.msg === 'lost' && l.node_id === 'n2');
    const { c: control, reply } = await registerAs('n2');
    expect(reply.body).toMatchObject({ type: 'register_ok', node_id: 'n2', tls: { certificate: expect.stringContaining('BEGIN CERTIFICATE') } });
    const asN2 = { key: me.key, cert: (reply.body.tls as { certificate: string }).certificate };
    server.secure(asN2);
    // As n2's new process it gets n2's init, with every node's end-to-end key.
    let init = await control.next();
    while (init.body.type !== 'init') init = await control.next();
    const n0Kx = (init.body.keys as Array<{ id: string; kx: string }>).find((k) => k.id === 'n0')?.kx as string;
    const incarnation = init.body.incarnation as number;

    // n0 takes n2's certificate, and then asks n2's hello to prove the secret: none, a forged proof,
    // a valid one (past the guard), the valid one again; and n2's certificate with n1's name.
    const hello = async (src: string, msgId: number, extra: Record<string, unknown>) => {
      const c = await connectRaw(n0Url, asN2);
      return { c, reply: await c.ask(JSON.stringify({ src, dest: 'n0', body: { type: 'link_hello', msg_id: msgId, ...extra } })) };
    };
    let h = await hello('n2', 11, {});
    expect(h.reply.body).toMatchObject({ code: ErrorCode.unauthorized, in_reply_to: 11, text: expect.stringMatching(/no proof/) });
    expect(await h.c.closed).toBe(1008);
    h = await hello('n2', 12, { proof: forged() });
    expect(h.reply.body).toMatchObject({ code: ErrorCode.unauthorized, text: expect.stringMatching(/does not match/) });
    const validHello = { proof: proof(secret, 'agentnet/1 link_hello', ['n2', 'n0']) };
    h = await hello('n2', 13, validHello);
    expect(h.reply.body).toMatchObject({ code: ErrorCode.unexpected_message, text: 'n0 dials n2, not the other way round' });
    h.c.socket.terminate();

    // n0 dials the member at its registered URL (once it showed n2's certificate) and proves the
    // secret; the member proves it back, and the link is up. On it, data messages sealed by hand
    // (n0 has the member's key: node_key comes before peer_restarted on its control link).
    // n1 dials it too (n0 and n1 both have the smaller index): each gets its answer, and the test keeps n0's link.
    const answerHello = async () => {
      const c = await server.accept();
      const dialHello = await c.next();
      expect(dialHello.body).toMatchObject({ type: 'link_hello', proof: { nonce: expect.any(String) } });
      const nonce = (dialHello.body.proof as { nonce: string }).nonce;
      const mac = createHmac('sha256', secret).update(JSON.stringify(['agentnet/1 link_hello_ok', nonce, dialHello.src, 'n2'])).digest('hex');
      c.socket.send(JSON.stringify({ src: 'n2', dest: dialHello.src, body: { type: 'link_hello_ok', in_reply_to: 0, proof: { nonce, mac } } }));
      return { c, from: dialHello.src };
    };
    const dialers = [await answerHello(), await answerHello()];
    expect(dialers.map((d) => d.from).sort()).toEqual(['n0', 'n1']);
    const link = dialers.find((d) => d.from === 'n0')?.c as RawClient;
    await waitForLogLine(join(run.dir, 'n0.log'), (l) => l.msg === 'connect' && l.peer === 'n2' && l.url === server.url);
    const frame = (seq: number, body: Record<string, unknown>) => ({ src: 'n2', dest: 'n0', id: `n2.${incarnation}-${2_000_000_000 + seq}`, sent_at: Date.now(), delay_ms: 0, body });
    const sealed = (seq: number) => {
      const f = frame(seq, {});
      return { ...f, body: sealer.seal({ ...f, from: incarnation, to: 0, destKx: n0Kx, seq, body: { type: 'chatter', msg_id: seq, text: 'from a member' } }) };
    };
    const own = JSON.stringify(sealed(1));
    // Its own message under its own identity opens (a member lying as itself is out of scope)...
    link.socket.send(own);
    // ...the same frame again is a replay; one with a byte of its box flipped does not open; one
    // without a seal is refused; and one in n1's name on n2's link is no message of this link.
    link.socket.send(own);
    const flipped = sealed(2);
    const box = Buffer.from(flipped.body.box, 'base64');
    box[0] = (box[0] as number) ^ 0x80;
    link.socket.send(JSON.stringify({ ...flipped, body: { ...flipped.body, box: box.toString('base64') } }));
    link.socket.send(JSON.stringify(frame(3, { type: 'chatter', msg_id: 3, text: 'unsealed' })));
    link.socket.send(JSON.stringify({ ...frame(4, { type: 'chatter', msg_id: 4, text: 'as n1' }), src: 'n1' }));
    let answer = await link.next();
    while (answer.body.type !== 'error') answer = await link.next();
    expect(answer.body).toMatchObject({ code: ErrorCode.unknown_peer, in_reply_to: 4 });
    h = await hello('n2', 14, validHello);
    expect(h.reply.body).toMatchObject({ code: ErrorCode.unauthorized, text: expect.stringMatching(/replay/) });
    h = await hello('n1', 15, { proof: proof(secret, 'agentnet/1 link_hello', ['n1', 'n0']) });
    expect(h.reply.body).toMatchObject({ code: ErrorCode.unauthorized, text: expect.stringMatching(/names someone else/) });
    expect(await h.c.closed).toBe(1008);
    control.socket.terminate();
    // The coordinator sees the member's n2 gone (its second loss) before n2 is started again.
    await waitUntil(() => readLogLines(run.coordinatorLog).filter((l) => l.msg === 'lost' && l.node_id === 'n2').length === 2, 30_000, "the member's n2 to be lost");

    // n2 is started again for real (incarnation 2): the attacker's certificate, for incarnation 1,
    // is an earlier process's now, and n0 refuses it once it has heard of the new one.
    await applyFault(run.dir, { restart: 'n2' });
    const newN2 = spawnTs(NODE_MAIN, [...nodeArgs, '--node-id', 'n2'], { AGENTNET_SECRET: run.secretHex });
    const n0Log = join(run.dir, 'n0.log');
    await waitForLogLine(n0Log, (l) => l.msg === 'peer_restarted' && l.peer === 'n2' && l.url !== server.url);
    h = await hello('n2', 16, { proof: proof(secret, 'agentnet/1 link_hello', ['n2', 'n0']) });
    expect(h.reply.body).toMatchObject({ code: ErrorCode.unauthorized, text: expect.stringMatching(/earlier process/) });

    // n0, n1 and the new n2 go on exchanging, and the refusals are in the report.
    const fromN2 = await deliveredSoFar(run.dir, 'src=n2');
    await pollUntil(async () => (await deliveredSoFar(run.dir, 'src=n2')) >= fromN2 + 10, 60_000, 'the new n2 to exchange');
    await stopRun(run.dir);
    expect((await run.exit).code, run.stderr()).toBe(0);
    expect((await newN2.exit).code, newN2.stderr()).toBe(0);
    const report = run.report();
    expect(report.security.refused.by_guard.link).toEqual({ no_proof: 1, bad_proof: 1, replayed: 1, wrong_identity: 1, stale_incarnation: 1 });
    expect(report.security.refused.by_guard.message).toEqual({ replayed: 1, bad_seal: 1, unsealed: 1, wrong_link: 1 });
    const byId = (seq: number) => run.messages().find((m) => m.id === `n2.${incarnation}-${2_000_000_000 + seq}`);
    expect(byId(1)).toMatchObject({ status: 'delivered', duplicates: 1 });
    expect(byId(2)).toMatchObject({ status: 'dropped', drop_reason: 'rejected', dropped_by: 'n0' });
    expect(byId(3)).toMatchObject({ status: 'dropped', drop_reason: 'rejected', dropped_by: 'n0' });
    // Refused and counted, but not journaled: its id is the attacker's word, and may be a real message's.
    expect(byId(4)).toBeUndefined();
    expect(accountingHolds(report, run.messages())).toBe(true);
    expect(report.per_node.map((n) => [n.id, n.status])).toEqual([['n0', 'ok'], ['n1', 'ok'], ['n2', 'ok']]);
  }, 180_000);

  it('stops a node without the secret at its start, one with another secret at its register, and a coordinator without one', async () => {
    const run = startCluster(['--nodes', '2', '--duration', OPEN_ENDED, '--security', 'on', '--register-timeout', '2m']);
    const listening = await waitForLogLine(run.coordinatorLog, (l) => l.msg === 'listening');
    await waitForLogLine(run.coordinatorLog, (l) => l.msg === 'start');
    // A node started by hand with no secret cannot reach a wss:// coordinator at all.
    const bare = spawnTs(NODE_MAIN, ['--coordinator', listening.url as string, '--log-dir', run.dir], {});
    expect((await bare.exit).code).toBe(2);
    expect(bare.stderr()).toMatch(/runs with --security on: this node needs the run secret in AGENTNET_SECRET/);
    // One with a secret of its own is refused at its register.
    const node = spawnTs(NODE_MAIN, ['--coordinator', listening.url as string, '--log-dir', run.dir], { AGENTNET_SECRET: randomBytes(32).toString('hex') });
    expect((await node.exit).code).toBe(1);
    expect(isAlive(node.child.pid as number)).toBe(false);
    const refusals = readLogLines(run.coordinatorLog).filter((l) => l.msg === 'reject' && (l.err as { code?: number } | undefined)?.code === ErrorCode.unauthorized);
    expect(refusals.map((l) => (l.err as { message: string }).message)).toEqual([expect.stringMatching(/does not match/)]);
    await stopRun(run.dir);
    expect((await run.exit).code).toBe(0);
    expect(run.report().security.refused.by_guard.register).toEqual({ bad_proof: 1 });

    const coordinator = spawnTs(COORDINATOR_MAIN, ['--nodes', '2', '--security', 'on'], { AGENTNET_SECRET: undefined });
    expect((await coordinator.exit).code).toBe(254);
    expect(coordinator.stderr()).toMatch(/--security on needs the run secret in AGENTNET_SECRET or AGENTNET_SECRET_FILE/);

    // A secure coordinator whose port is taken says so and exits, as an insecure one does.
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => void taken.close());
    const port = String((taken.address() as AddressInfo).port);
    const out = mkdtempSync(join(tmpdir(), 'agentnet-taken-'));
    onTestFinished(() => rmSync(out, { recursive: true, force: true }));
    const busy = spawnTs(COORDINATOR_MAIN, ['--nodes', '2', '--security', 'on', '--port', port, '--out', join(out, 'run')], { AGENTNET_SECRET: randomBytes(32).toString('hex') });
    expect((await busy.exit).code).toBe(EXIT_ERROR);
    expect(busy.stderr()).toMatch(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
    expect(busy.stderr()).not.toMatch(/crashed/);
  }, 120_000);
});
