/**
 * The behaviour `init.traffic` names, made for this node: the notebook's chatter, flood or
 * broadcast traffic; an algorithm written on the node API (`bully`, `raft`, ...); or a user's
 * module, loaded from its path while the links come up.
 */
import type { Init, Logger } from '@agentnet/protocol';
import type { Behavior, NodeHandle } from '../api/behavior.js';
import { loadBehaviorModule } from '../api/behavior-module.js';
import { BUILTIN_API_BEHAVIORS } from './index.js';
import { createBroadcast } from './broadcast.js';
import { createChatter } from './chatter.js';
import { createFlood } from './flood.js';
import { createApiBehavior } from '../api/node-api.js';

export interface SelectedBehavior {
  /** The behaviour: at once for a built-in, once loaded for a module (rejects with BehaviorModuleError). */
  behavior: Promise<Behavior>;
  /** Whether it is written on the node API, so peers' bodies are checked only as plain bodies. */
  anyBody: boolean;
}

/**
 * Makes the behaviour; throws when a built-in refuses its settings (a bad `--param`), which the
 * node reports and leaves on, failing the run's setup.
 */
export function selectBehavior(init: Init, handle: NodeHandle, log: Logger, record: (kind: string, data: Record<string, unknown>) => void): SelectedBehavior {
  const traffic = init.traffic;
  const onApi = (name: string, factory: NonNullable<(typeof BUILTIN_API_BEHAVIORS)[string]>) =>
    createApiBehavior(handle, init.node_ids, log.child({ behavior: name }), factory, record, traffic.params);
  if (traffic.behavior === 'module' && traffic.module !== null) {
    const path = traffic.module;
    return { behavior: loadBehaviorModule(path).then((factory) => onApi(path, factory)), anyBody: true };
  }
  const builtin = BUILTIN_API_BEHAVIORS[traffic.behavior];
  if (builtin) return { behavior: Promise.resolve(onApi(traffic.behavior, builtin)), anyBody: true };
  const plain =
    traffic.behavior === 'flood'
      ? createFlood(handle, traffic.message_size)
      : traffic.behavior === 'broadcast'
        ? createBroadcast(handle, traffic.interval, traffic.broadcast)
        : createChatter(handle, traffic.interval);
  return { behavior: Promise.resolve(plain), anyBody: false };
}
