/**
 * The dispatcher's one rule that no other test reaches alone: routing bodies are routing traffic
 * only where the run routes, and only without journal fields; any other message goes through the
 * data path (journaled, and with --security on opened) before a behaviour sees it.
 */
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '@agentnet/protocol';
import { createInbound } from './inbound.js';
import type { PeerLink, PeerMessage } from './links/peer-mesh.js';
import type { DataPath } from './network/data-path.js';
import type { NodeRouting } from './routing/node-routing.js';
import type { Behavior } from './api/behavior.js';

const { log } = createLogger({ role: 'node', level: 'silent', pretty: false });
const link = { peer: 'n1', client: false, usable: true, socket: { send: () => undefined } } as unknown as PeerLink;

function inbound(routes: boolean) {
  const data = { receive: vi.fn(() => undefined) };
  const routing = { receive: vi.fn() };
  const behavior = { handle: vi.fn(() => true) };
  const dispatch = createInbound({
    log,
    data: () => data as unknown as DataPath,
    routing: () => (routes ? (routing as unknown as NodeRouting) : undefined),
    behavior: () => behavior as unknown as Behavior,
    state: () => 'running',
  });
  return { dispatch, data, routing, behavior };
}

const hello = (journal: boolean): PeerMessage =>
  ({ src: 'n1', dest: 'n0', ...(journal ? { id: 'n1-1', sent_at: 1, delay_ms: 0 } : {}), body: { type: 'hello', msg_id: 1 } }) as unknown as PeerMessage;

describe('inbound', () => {
  it('takes a routing body as routing only in a routed run and without journal fields', () => {
    const routed = inbound(true);
    routed.dispatch(link, hello(false));
    expect(routed.routing.receive).toHaveBeenCalledTimes(1);
    routed.dispatch(link, hello(true));
    expect(routed.routing.receive).toHaveBeenCalledTimes(1);
    expect(routed.data.receive).toHaveBeenCalledTimes(1);
  });

  it("gives a behaviour's own `hello` to the data path when the run does not route, never straight to the behaviour", () => {
    const plain = inbound(false);
    plain.dispatch(link, hello(true));
    plain.dispatch(link, hello(false));
    plain.dispatch(link, { src: 'n1', dest: 'n0', body: { type: 'constructor' } } as unknown as PeerMessage);
    expect(plain.data.receive).toHaveBeenCalledTimes(3);
    // The data path took them all (refused or forwarded: it returned nothing for the behaviour).
    expect(plain.behavior.handle).not.toHaveBeenCalled();
    expect(plain.routing.receive).not.toHaveBeenCalled();
  });
});
