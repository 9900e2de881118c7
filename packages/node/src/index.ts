export { AgentNode, type AgentNodeOptions } from './agent-node.js';
export { LinkShaper, type ShapedMessage, type LinkShaperOptions } from './link-shaper.js';
export { Journal } from './journal.js';
export { createChatter, type Behavior, type NodeHandle } from './chatter.js';
export { PEER_BODIES } from './peer-mesh.js';
export * from './errors.js';
export { NODE_FLAGS, NODE_ENV, NODE_HELP, NodeCli } from './cli-options.js';
