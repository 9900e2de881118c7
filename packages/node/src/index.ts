// The node's public face: the agent process, and the node API behaviours are written against.
export { AgentNode, type AgentNodeOptions } from './agent-node.js';
// What a behaviour module is written against: `import type { NodeApi } from '@agentnet/node'`.
// A type-only import is erased when the module is compiled, so it loads from any folder.
export type { NodeApi, BehaviorFactory, Body, Handler } from './api/node-api.js';
export type { Incoming } from './api/behavior.js';
export { DuplicateHandlerError, NoStorageError } from './api/node-api.js';
export type { NodeStorage, DurableList } from './api/node-storage.js';
export * from './errors.js';
export { NODE_FLAGS, NODE_ENV, NODE_HELP, NodeCli } from './cli-options.js';
