/**
 * Behaviour modules loaded from a folder outside the repo, as users keep them: every extension
 * (.ts, .mts, .cts, .js, .mjs, .cjs), with no package.json beside it or one of type module or
 * commonjs, the factory exported the ESM way or the CommonJS way, as `default` or as `behavior`.
 * What Node itself refuses (CommonJS in an ES module scope, `export` in a CommonJS .js or .cjs)
 * fails with a BehaviorModuleError that says why, as does a module without a factory.
 *
 * The loader runs as a node runs it: bundled by esbuild and started by plain Node, with tsx
 * resolved from the project at run time. In vitest's own module runner a JavaScript module would
 * be loaded by vitest, which accepts what Node refuses, so the test would not be about Node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));

/** How a module exports its factory, each naming the function so the test knows which was found. */
const STYLES = {
  esmDefault: { esm: true, source: 'export default function esmDefault(node) {}\n' },
  esmBehavior: { esm: true, source: 'export const behavior = function esmBehavior(node) {};\n' },
  cjsExports: { esm: false, source: 'module.exports = function cjsExports(node) {};\n' },
  cjsDefault: { esm: false, source: 'exports.default = function cjsDefault(node) {};\n' },
  cjsBehavior: { esm: false, source: 'exports.behavior = function cjsBehavior(node) {};\n' },
} as const satisfies Record<string, { esm: boolean; source: string }>;
type Style = keyof typeof STYLES;

const PACKAGES = { none: null, module: 'module', commonjs: 'commonjs' } as const satisfies Record<string, string | null>;
type Pkg = keyof typeof PACKAGES;
const EXTENSIONS = ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs'] as const;
type Ext = (typeof EXTENSIONS)[number];

/** Whether Node refuses the file's syntax for its format (TypeScript goes through tsx, which does not). */
function nodeRefuses(pkg: Pkg, ext: Ext, esm: boolean): boolean {
  if (ext === 'mjs' || (ext === 'js' && pkg === 'module')) return !esm;
  if (ext === 'cjs' || (ext === 'js' && pkg === 'commonjs')) return esm;
  return false;
}

/** A module that imports the node API's types from the package's public entry, which does not resolve from outside the repo. */
const TYPED = [
  "import type { NodeApi } from '@agentnet/node';",
  "import { type BehaviorFactory } from '@agentnet/node';",
  'const typed: BehaviorFactory = function typedFactory(node: NodeApi) {',
  "  node.on('ping', () => ({ type: 'pong' }));",
  '};',
  'export default typed;',
  '',
].join('\n');

/** Loads each path given on the command line and prints, per path, the factory's name or the error. */
const DRIVER = `
import { loadBehaviorModule } from './behavior-module.js';
const results = {};
for (const path of process.argv.slice(2)) {
  try {
    results[path] = { name: (await loadBehaviorModule(path)).name };
  } catch (err) {
    results[path] = { error: err.name + ': ' + err.message };
  }
}
process.stdout.write(JSON.stringify(results));
`;

type Result = { name?: string; error?: string };

const modules = mkdtempSync(join(tmpdir(), 'agentnet-behavior-module-'));
/** The bundle sits under the project's node_modules, as the node's does, so that tsx resolves from it. */
const bundleDir = join(ROOT, 'node_modules', '.cache');
let bundleTmp = '';
let child: ChildProcess | undefined;
const results = new Map<string, Result>();

function write(pkg: Pkg, name: string, source: string): string {
  const folder = join(modules, pkg);
  mkdirSync(folder, { recursive: true });
  const type = PACKAGES[pkg];
  if (type !== null) writeFileSync(join(folder, 'package.json'), JSON.stringify({ type }));
  const path = join(folder, name);
  writeFileSync(path, source);
  return path;
}

const cases = (Object.keys(PACKAGES) as Pkg[]).flatMap((pkg) =>
  EXTENSIONS.flatMap((ext) =>
    (Object.keys(STYLES) as Style[]).map((style) => ({ pkg, ext, style, refused: nodeRefuses(pkg, ext, STYLES[style].esm), path: join(modules, pkg, `${style}.${ext}`) })),
  ),
);
const extra = {
  typed: (Object.keys(PACKAGES) as Pkg[]).map((pkg) => join(modules, pkg, 'typed.ts')),
  nothingMjs: join(modules, 'none', 'nothing.mjs'),
  nothingTs: join(modules, 'none', 'nothing.ts'),
  broken: join(modules, 'none', 'broken.ts'),
  missing: join(modules, 'none', 'missing.ts'),
  python: join(modules, 'none', 'behavior.py'),
};

beforeAll(async () => {
  for (const c of cases) write(c.pkg, `${c.style}.${c.ext}`, STYLES[c.style].source);
  for (const pkg of Object.keys(PACKAGES) as Pkg[]) write(pkg, 'typed.ts', TYPED);
  write('none', 'nothing.mjs', 'export const nothing = 1;\nexport default 3;\n');
  write('none', 'nothing.ts', 'export const nothing = 1;\n');
  write('none', 'broken.ts', 'export default function (node: {) {}\n');
  write('none', 'behavior.py', 'def behavior(node): pass\n');

  mkdirSync(bundleDir, { recursive: true });
  bundleTmp = mkdtempSync(join(bundleDir, 'behavior-module-test-'));
  const bundle = join(bundleTmp, 'driver.mjs');
  // As scripts/entry-bundle.ts builds a node: bundled CommonJS dependencies get a require().
  const banner = "import { createRequire as __agentnetRequire } from 'node:module'; const require = __agentnetRequire(import.meta.url);";
  await build({ stdin: { contents: DRIVER, resolveDir: HERE, loader: 'ts' }, outfile: bundle, bundle: true, platform: 'node', format: 'esm', target: 'node20', banner: { js: banner }, logLevel: 'silent' });

  const paths = [...cases.map((c) => c.path), ...extra.typed, extra.nothingMjs, extra.nothingTs, extra.broken, extra.missing, extra.python];
  const proc = spawn(process.execPath, [bundle, ...paths], { cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
  child = proc;
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => proc.once('close', resolve));
  child = undefined;
  if (code !== 0) throw new Error(`the loader's process exited ${code}: ${err}`);
  for (const [path, result] of Object.entries(JSON.parse(out) as Record<string, Result>)) results.set(path, result);
});

afterAll(() => {
  if (child?.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  rmSync(modules, { recursive: true, force: true });
  if (bundleTmp !== '') rmSync(bundleTmp, { recursive: true, force: true });
});

describe('loadBehaviorModule from a folder outside the repo, in a bundled node', () => {
  it.each(cases.filter((c) => !c.refused))('loads $style from .$ext with package.json: $pkg', ({ path, style }) => {
    expect(results.get(path)).toEqual({ name: style });
  });

  it.each(cases.filter((c) => c.refused))('refuses $style in .$ext with package.json: $pkg, saying why', ({ path }) => {
    expect(results.get(path)?.error).toMatch(new RegExp(`^BehaviorModuleError: behaviour module ${path}: cannot be loaded: .*(not defined in ES module scope|Unexpected token 'export')`));
  });

  it('loads a TypeScript module that imports the node API types from @agentnet/node, with or without a package.json', () => {
    for (const path of extra.typed) expect(results.get(path), path).toEqual({ name: 'typedFactory' });
  });

  it('names what a module without a factory exports', () => {
    expect(results.get(extra.nothingMjs)?.error).toMatch(/exports no factory .*; it exports default \(number\), nothing \(number\)$/);
    expect(results.get(extra.nothingTs)?.error).toMatch(/exports no factory .*; it exports nothing \(number\)$/);
  });

  it('says why a module that does not compile, is not there or is no JavaScript or TypeScript cannot be loaded', () => {
    expect(results.get(extra.broken)?.error).toMatch(new RegExp(`^BehaviorModuleError: behaviour module ${extra.broken}: cannot be loaded: [^]*broken\\.ts`));
    expect(results.get(extra.missing)?.error).toMatch(/cannot be loaded: Cannot find module/);
    expect(results.get(extra.python)?.error).toBe(`BehaviorModuleError: behaviour module ${extra.python}: is not a .ts, .mts, .cts, .js, .mjs, .cjs file`);
  });
});
