/**
 * A behaviour module for client-links.test.ts: one node's key-value map serving the lin-kv
 * operations of the workload's clients, with a `cas` handler that always throws (the node must
 * answer it with error 13, crash) and a `started` event so a test knows the node runs.
 */
import { ErrorCode } from '@agentnet/protocol';
import type { NodeApi } from './node-api.js';

export default function clientKv(node: NodeApi) {
  const values = new Map<string, number>();
  node.on('read', (msg) => {
    const value = values.get(JSON.stringify(msg.body.key));
    return value === undefined ? { type: 'error', code: ErrorCode.key_does_not_exist, text: 'no such key' } : { type: 'read_ok', value };
  });
  node.on('write', (msg) => {
    values.set(JSON.stringify(msg.body.key), msg.body.value as number);
    // A behaviour may also send a client a message of its own, outside any reply.
    node.send(msg.src, { type: 'note', text: `wrote ${String(msg.body.key)}` });
    return { type: 'write_ok' };
  });
  node.on('cas', () => {
    throw new Error('cas is broken in this fixture');
  });
  return { start: () => node.record('started') };
}
