export { AgentNode, type AgentNodeOptions } from './agent-node.js';
export { LinkShaper, type ShapedMessage, type LinkShaperOptions } from './link-shaper.js';
export { Journal } from './journal.js';
export { createChatter, type Behavior, type NodeHandle } from './chatter.js';
export { PEER_BODIES } from './peer-mesh.js';
export * from './errors.js';
