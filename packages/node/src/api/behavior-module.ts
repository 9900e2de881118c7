/**
 * Loads a user's behaviour module (`--behavior ./my-algorithm.ts`) from wherever it lives. A
 * TypeScript module (.ts, .mts, .cts) goes through tsx's loader, as the rest of agentnet runs;
 * JavaScript (.js, .mjs, .cjs) is imported as Node imports it. The module exports its factory as
 * `default` (or as `behavior`): `(node: NodeApi) => { start?, stop? } | void`.
 */
import { pathToFileURL } from 'node:url';
import { BEHAVIOR_MODULE_LOADERS, behaviorModuleLoader } from '@agentnet/protocol';
import type { BehaviorFactory } from './node-api.js';

export class BehaviorModuleError extends Error {
  constructor(path: string, why: string) {
    super(`behaviour module ${path}: ${why}`);
    this.name = 'BehaviorModuleError';
  }
}

/** tsx's API, named through a variable so the node's bundle leaves it to be resolved at run time. */
const TSX_API = 'tsx/esm/api';

type Namespace = Record<string, unknown>;

async function importModule(path: string): Promise<Namespace> {
  const url = pathToFileURL(path).href;
  if (behaviorModuleLoader(path) === 'tsx') {
    const { tsImport } = (await import(TSX_API)) as { tsImport: (specifier: string, parent: string) => Promise<Namespace> };
    return tsImport(url, import.meta.url);
  }
  return (await import(url)) as Namespace;
}

/**
 * The factory among a module's exports. A module loaded as CommonJS reaches `import()` as a
 * namespace whose `default` is its `module.exports`; and tsx loads a .ts outside a
 * `"type": "module"` package (a user's own folder, with no package.json) as CommonJS, so its
 * `export default` arrives as `default.default`. Both layers are looked at, the namespace first.
 */
export function factoryOf(mod: Namespace): BehaviorFactory | null {
  const cjs = mod.default;
  const inner = typeof cjs === 'object' && cjs !== null ? (cjs as Namespace) : {};
  const found = [mod.default, mod.behavior, inner.default, inner.behavior].find((f) => typeof f === 'function');
  return (found as BehaviorFactory | undefined) ?? null;
}

/**
 * What a module without a factory exports, for the error: each name with what it holds, looking
 * into a CommonJS `module.exports` (which arrives as `default`) as factoryOf does.
 */
function exportsOf(mod: Namespace): string {
  const cjs = mod.default;
  const entries = typeof cjs === 'object' && cjs !== null ? [...Object.entries(mod).filter(([k]) => k !== 'default'), ...Object.entries(cjs)] : Object.entries(mod);
  const shown = entries.filter(([k]) => k !== '__esModule').map(([k, v]) => `${k} (${v === null ? 'null' : typeof v})`);
  return shown.length === 0 ? 'nothing' : [...new Set(shown)].join(', ');
}

export async function loadBehaviorModule(path: string): Promise<BehaviorFactory> {
  // The coordinator refuses such a path before any node starts; a node told it anyway says so.
  if (behaviorModuleLoader(path) === null) throw new BehaviorModuleError(path, `is not a ${Object.keys(BEHAVIOR_MODULE_LOADERS).join(', ')} file`);
  let mod: Namespace;
  try {
    mod = await importModule(path);
  } catch (err) {
    throw new BehaviorModuleError(path, `cannot be loaded: ${(err as Error).message}`);
  }
  const factory = factoryOf(mod);
  if (factory === null) {
    throw new BehaviorModuleError(path, `exports no factory (export default (node) => { ... }, or export const behavior); it exports ${exportsOf(mod)}`);
  }
  return factory;
}
