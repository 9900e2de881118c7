export { AgentNode, type AgentNodeOptions } from './agent-node.js';
export { LinkShaper, type ShapedMessage, type LinkShaperOptions } from './network/link-shaper.js';
export { Journal } from './records/journal.js';
export { createChatter } from './behaviors/chatter.js';
export { createFlood } from './behaviors/flood.js';
export type { Behavior, NodeHandle, Incoming } from './api/behavior.js';
// What a behaviour module is written against: `import type { NodeApi } from '@agentnet/node'`.
// A type-only import is erased when the module is compiled, so it loads from any folder.
export type { NodeApi, BehaviorFactory, Body, Handler } from './api/node-api.js';
export { DuplicateHandlerError, NoStorageError } from './api/node-api.js';
export type { NodeStorage, DurableList } from './api/node-storage.js';
export { PEER_BODIES } from './links/peer-mesh.js';
export * from './errors.js';
export { NODE_FLAGS, NODE_ENV, NODE_HELP, NodeCli } from './cli-options.js';
