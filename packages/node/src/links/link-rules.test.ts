import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@agentnet/protocol';
import { endsRefusal, helloRefusal, inTransit } from './link-rules.js';
import type { PeerLink } from './peer-link.js';
import type { PeerMessage } from './peer-bodies.js';

const msg = (src: string, dest: string, extra: Partial<PeerMessage> = {}, type = 'chatter'): PeerMessage => ({ src, dest, body: { type, text: 'x' }, ...extra }) as PeerMessage;
const view = { self: 'n1', isPeer: (id: string) => ['n0', 'n2'].includes(id), linkOpen: (id: string) => id === 'n2', indexOf: (id: string) => Number(id.slice(1)) };
const link = (peer: string, client = false) => ({ peer, client }) as PeerLink;

describe('link rules', () => {
  it('takes a hello from a peer that dials this node, and refuses the others with why', () => {
    expect(helloRefusal(msg('n0', 'n1', {}, 'link_hello'), view)).toBeUndefined();
    expect(helloRefusal(msg('n0', 'n3', {}, 'link_hello'), view)).toEqual({ code: ErrorCode.node_not_found, text: 'this is n1, not n3', refusal: 'not_a_peer' });
    expect(helloRefusal(msg('n5', 'n1', {}, 'link_hello'), view)).toEqual({ code: ErrorCode.unknown_peer, text: 'n5 is not a peer of n1', refusal: 'not_a_peer' });
    expect(helloRefusal(msg('n2', 'n1', {}, 'link_hello'), view)).toMatchObject({ text: 'a link to n2 is already open', refusal: 'id_in_use' });
    expect(helloRefusal(msg('n2', 'n1', {}, 'link_hello'), { ...view, linkOpen: () => false })).toMatchObject({ text: 'n1 dials n2, not the other way round', refusal: 'not_a_peer' });
  });

  it('lets a routed data message pass through, and nothing else that is not for this node or not from the link peer', () => {
    const routed = msg('n0', 'n3', { ttl: 4, id: 'n0-1' });
    expect(inTransit(routed, link('n0'), true)).toBe(true);
    expect(inTransit(routed, link('n0'), false)).toBe(false);
    expect(inTransit(routed, link('c1', true), true)).toBe(false);
    expect(inTransit(msg('n0', 'n3', { ttl: 4, id: 'n0-1' }, 'link_bye'), link('n0'), true)).toBe(false);
    expect(endsRefusal(routed, 'n1', link('n2'), true)).toBeUndefined();
    expect(endsRefusal(routed, 'n1', link('n0'), false)).toEqual({ code: ErrorCode.node_not_found, text: 'this is n1; it does not forward to n3' });
    expect(endsRefusal(msg('n0', 'n1'), 'n1', link('n2'), false)).toEqual({ code: ErrorCode.unknown_peer, text: 'this link belongs to n2, not n0' });
    expect(endsRefusal(msg('n0', 'n1'), 'n1', undefined, false)).toBeUndefined();
  });
});
