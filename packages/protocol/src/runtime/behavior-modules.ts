/**
 * The files `--behavior PATH` can load, by extension, and how a node loads each: TypeScript
 * through tsx (which compiles it, whatever its package.json says), JavaScript as Node imports it.
 * The coordinator refuses any other file before a process starts; the node picks its loader here.
 */
export const BEHAVIOR_MODULE_LOADERS = {
  '.ts': 'tsx',
  '.mts': 'tsx',
  '.cts': 'tsx',
  '.js': 'node',
  '.mjs': 'node',
  '.cjs': 'node',
} as const satisfies Record<string, 'tsx' | 'node'>;

export type BehaviorModuleLoader = (typeof BEHAVIOR_MODULE_LOADERS)[keyof typeof BEHAVIOR_MODULE_LOADERS];

/** How a module at `path` is loaded, or null when its extension is none a behaviour module may have. */
export function behaviorModuleLoader(path: string): BehaviorModuleLoader | null {
  const ext = /\.[^./\\]+$/.exec(path)?.[0];
  return ext !== undefined && Object.hasOwn(BEHAVIOR_MODULE_LOADERS, ext) ? BEHAVIOR_MODULE_LOADERS[ext as keyof typeof BEHAVIOR_MODULE_LOADERS] : null;
}
