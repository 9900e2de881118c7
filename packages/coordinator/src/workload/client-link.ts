/**
 * One workload client's WebSocket to one node's peer server, as the node sees it: a `link_hello`
 * from the client id, then requests with `msg_id`s and the journal fields (`id` = `c1-K`,
 * `sent_at`), and replies matched by `in_reply_to`. Client links are outside the simulated
 * network, but their messages are journaled: this side adds the request's `send` (and a `drop`
 * when it cannot leave) and the reply's `recv` to the coordinator's ledger, the node journals the
 * rest. A node's `link_bye` is answered at once, so a stopping node drains this link like a peer's.
 */
import type { ConnectionOptions } from 'node:tls';
import { WebSocket, type ClientOptions, type RawData } from 'ws';
import {
  Body,
  CLIENT_REPLY_BODIES,
  BadInputError,
  ErrorCode,
  MAX_PAYLOAD_BYTES,
  decodeFrame,
  describeIssues,
  bodyPreview,
  encode,
  linkHelloOkParts,
  linkHelloParts,
  wallClockMs,
  type RunSecret,
  type ClientReplyBody,
  type Logger,
} from '@agentnet/protocol';
import type { Ledger } from '../report/ledger.js';

export interface ClientLinkOptions {
  client: string;
  node: string;
  url: string;
  ledger: Ledger;
  log: Logger;
  /** The run secret (`--security on`): the hello proves it, and the node's answer must prove it back. */
  secret?: RunSecret | undefined;
  /** For a wss:// node (`--security on`): the client's certificate, and the node's that it expects. */
  tls?: ConnectionOptions | undefined;
  /** The client's next message id (unique over all its links). */
  nextMsgId: () => number;
}

/** The request never left: the operation certainly did not happen. */
export class NotSentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotSentError';
  }
}

/** The link went away (closed, or the node said goodbye) with the request outstanding. */
export class LinkLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LinkLostError';
  }
}

/** The node answered with something that is not a reply this client understands. */
export class BadReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadReplyError';
  }
}

/**
 * Frames are decoded as plain bodies first, so a reply whose body is wrong is still journaled as
 * received (the node journaled it as sent); its own schema is checked after.
 */
const PLAIN: Record<string, typeof Body> = {};

interface Pending {
  resolve: (body: ClientReplyBody) => void;
  reject: (err: Error) => void;
}

export class ClientLink {
  private readonly pending = new Map<number, Pending>();
  private byeReceived = false;
  /** The hello was answered: the node knows this link. */
  private linked = false;
  private lost: string | undefined;

  private constructor(
    private readonly o: ClientLinkOptions,
    private readonly socket: WebSocket,
  ) {}

  /** Connects and says hello; rejects with NotSentError when the node cannot be reached in time. */
  static open(o: ClientLinkOptions, timeoutMs: number): Promise<ClientLink> {
    // ws passes the TLS options on to node:tls (its typing of checkServerIdentity is not node:tls's).
    const tls = o.tls as ClientOptions | undefined;
    const socket = new WebSocket(o.url, { perMessageDeflate: false, maxPayload: MAX_PAYLOAD_BYTES, handshakeTimeout: timeoutMs, ...tls });
    const link = new ClientLink(o, socket);
    socket.on('message', (data: RawData) => link.onFrame(data));
    socket.on('close', (code) => link.onClose(code));
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        clearTimeout(timer);
        socket.terminate();
        reject(new NotSentError(`cannot link to ${o.node} at ${o.url}: ${why}`));
      };
      const timer = setTimeout(() => fail(`no link_hello_ok within ${timeoutMs} ms`), timeoutMs);
      socket.on('error', (err) => {
        if (link.usable) o.log.warn({ err, client: o.client, node_id: o.node }, 'socket_error');
        else fail(err.message);
      });
      socket.once('open', () => {
        const proof = o.secret?.prove('link_hello', linkHelloParts(o.client, o.node));
        socket.send(encode({ src: o.client, dest: o.node, body: { type: 'link_hello', msg_id: 0, ...(proof ? { proof } : {}) } }));
        link.pending.set(0, {
          resolve: (body) => {
            clearTimeout(timer);
            if (body.type !== 'link_hello_ok') return fail(`the node answered ${describe(body)}`);
            if (o.secret && proof && !(body.proof?.nonce === proof.nonce && o.secret.verify('link_hello_ok', linkHelloOkParts(o.client, o.node), body.proof))) {
              return fail('its link_hello_ok does not prove the run secret');
            }
            link.linked = true;
            o.log.info({ client: o.client, node_id: o.node, url: o.url }, 'client_connect');
            resolve(link);
          },
          reject: (err) => fail(err.message),
        });
      });
    });
  }

  get url(): string {
    return this.o.url;
  }

  /** Open and not said goodbye on: requests may go out on it. */
  get usable(): boolean {
    return this.socket.readyState === WebSocket.OPEN && !this.byeReceived && this.lost === undefined;
  }

  /**
   * Sends a request; resolves with the node's reply. Rejects with NotSentError when the request
   * could not leave, LinkLostError when the link went away before the reply came.
   */
  request(body: { type: string; [key: string]: unknown }): { msg: string; msgId: number; reply: Promise<ClientReplyBody> } {
    const msgId = this.o.nextMsgId();
    const facts = { id: `${this.o.client}-${msgId}`, src: this.o.client, dest: this.o.node, sent_at: wallClockMs(), delay_ms: 0 };
    const reply = new Promise<ClientReplyBody>((resolve, reject) => {
      if (!this.usable) return reject(new NotSentError(`the link to ${this.o.node} is ${this.lost ?? 'closing'}`));
      this.o.ledger.add({ t: 'send', ...facts, type: body.type, body: bodyPreview({ ...body, msg_id: msgId }) });
      this.pending.set(msgId, { resolve, reject });
      const { id, src, dest, sent_at } = facts;
      this.socket.send(encode({ src, dest, id, sent_at, body: { ...body, msg_id: msgId } }), (err) => {
        if (!err) return;
        // The frame never left this process: the message is dropped, and the operation failed.
        this.o.ledger.add({ t: 'drop', ...facts, reason: 'link_down' });
        this.pending.delete(msgId);
        reject(new NotSentError(`the request could not be written to ${this.o.node}: ${err.message}`));
      });
    });
    return { msg: facts.id, msgId, reply };
  }

  /** Stops waiting for a reply (the operation timed out); a late reply is still journaled. */
  forget(msgId: number): void {
    this.pending.delete(msgId);
  }

  close(): void {
    this.socket.terminate();
  }

  private onFrame(data: RawData): void {
    for (const res of decodeFrame(data, PLAIN, true, Body)) {
      if (!res.ok) {
        this.reject(res.code, res.text, res);
        continue;
      }
      const msg = res.msg;
      if (msg.src !== this.o.node || msg.dest !== this.o.client) {
        this.reject(ErrorCode.unknown_peer, `this link is ${this.o.node} -> ${this.o.client}, not ${msg.src} -> ${msg.dest}`, { src: msg.src, type: msg.body.type });
        continue;
      }
      // Every reply the node journaled as sent is journaled here as received, whatever it says.
      if (msg.id !== undefined && msg.sent_at !== undefined) {
        this.o.ledger.add({ t: 'recv', id: msg.id, src: msg.src, dest: msg.dest, sent_at: msg.sent_at, delay_ms: 0, received_at: wallClockMs() });
      }
      this.onBody(msg.body);
    }
  }

  private onBody(raw: { type: string; in_reply_to?: number | undefined }): void {
    if (raw.type === 'link_bye') {
      this.byeReceived = true;
      this.socket.send(encode({ src: this.o.client, dest: this.o.node, body: { type: 'link_bye' } }));
      return this.failAll(`${this.o.node} said goodbye (link_bye)`);
    }
    const waiting = raw.in_reply_to === undefined ? undefined : this.pending.get(raw.in_reply_to);
    if (!waiting || raw.in_reply_to === undefined) {
      this.o.log.debug({ client: this.o.client, node_id: this.o.node, type: raw.type, in_reply_to: raw.in_reply_to }, 'late_reply');
      return;
    }
    this.pending.delete(raw.in_reply_to);
    const schema = Object.hasOwn(CLIENT_REPLY_BODIES, raw.type) ? CLIENT_REPLY_BODIES[raw.type as keyof typeof CLIENT_REPLY_BODIES] : undefined;
    const body = schema?.safeParse(raw);
    if (body?.success) return waiting.resolve(body.data);
    const text = body ? `bad ${raw.type} reply: ${describeIssues(body.error)}` : `unexpected reply type "${raw.type}"`;
    this.reject(ErrorCode.malformed_request, text, { src: this.o.node, type: raw.type });
    waiting.reject(new BadReplyError(text));
  }

  private reject(code: number, text: string, seen: { src?: string | undefined; type?: string | undefined }): void {
    this.o.log.warn({ err: new BadInputError(code, text), client: this.o.client, node_id: this.o.node, src: seen.src, type: seen.type }, 'reject');
  }

  private onClose(code: number): void {
    this.lost ??= `closed (code ${code})`;
    if (this.linked && !this.byeReceived) this.o.log.info({ client: this.o.client, node_id: this.o.node, code }, 'client_disconnect');
    this.failAll(`the link to ${this.o.node} closed (code ${code})`);
  }

  private failAll(why: string): void {
    for (const p of this.pending.values()) p.reject(new LinkLostError(`${why} with the operation outstanding`));
    this.pending.clear();
  }
}

const describe = (body: ClientReplyBody) => (body.type === 'error' ? `error ${body.code}: ${body.text}` : body.type);
