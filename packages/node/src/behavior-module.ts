/**
 * Loads a user's behaviour module (`--behavior ./my-algorithm.ts`). A TypeScript module goes
 * through tsx's loader, as the rest of agentnet runs; JavaScript is imported as it is. The module
 * exports its factory as `default` (or as `behavior`): `(node: NodeApi) => { start?, stop? } | void`.
 */
import { pathToFileURL } from 'node:url';
import type { BehaviorFactory } from './node-api.js';

export class BehaviorModuleError extends Error {
  constructor(path: string, why: string) {
    super(`behaviour module ${path}: ${why}`);
    this.name = 'BehaviorModuleError';
  }
}

/** tsx's API, named through a variable so the node's bundle leaves it to be resolved at run time. */
const TSX_API = 'tsx/esm/api';

export async function loadBehaviorModule(path: string): Promise<BehaviorFactory> {
  let mod: Record<string, unknown>;
  try {
    if (/\.m?ts$/.test(path)) {
      const { tsImport } = (await import(TSX_API)) as { tsImport: (specifier: string, parent: string) => Promise<Record<string, unknown>> };
      mod = await tsImport(pathToFileURL(path).href, import.meta.url);
    } else {
      mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    }
  } catch (err) {
    throw new BehaviorModuleError(path, `cannot be loaded: ${(err as Error).message}`);
  }
  const factory = mod.default ?? mod.behavior;
  if (typeof factory !== 'function') throw new BehaviorModuleError(path, 'exports no factory (export default (node) => { ... })');
  return factory as BehaviorFactory;
}
