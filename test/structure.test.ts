/**
 * The layout docs/architecture.md describes, held against the code: no import cycle between the
 * packages' source files, no source file over 300 lines, no test fixture inside a package's src/,
 * and only a handful of files at the root of the coordinator's src/ (a folder per concern).
 * Imports are read as text: `import ... from './x.js'` and `export ... from`, type-only ones too,
 * as a cycle of types is still a knot for whoever reads the code.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT } from './helpers/processes.js';

const PACKAGES = ['protocol', 'node', 'coordinator'].map((p) => join(ROOT, 'packages', p, 'src'));
const MAX_LINES = 300;
const MAX_COORDINATOR_ROOT_FILES = 6;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = PACKAGES.flatMap(sourceFiles);
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g;

/** Each file's relative imports, as absolute paths of the .ts files they name. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => resolve(dirname(file), (m[1] as string).replace(/\.js$/, '.ts')));
}

/** Every cycle found by a depth-first walk, each as the list of files around it. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push(stack.slice(stack.indexOf(next)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

const rel = (path: string) => relative(ROOT, path);

describe('the layout of the packages', () => {
  it('has no import cycle', () => {
    const graph = new Map(files.map((f) => [f, importsOf(f)]));
    // The walk itself must see the imports, or it would pass on nothing.
    expect([...graph.values()].flat().length).toBeGreaterThan(files.length);
    expect(cycles(graph).map((c) => c.map(rel).join(' -> '))).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(cycles(graph)).toEqual([['a', 'b', 'c']]);
  });

  it(`has no source file over ${MAX_LINES} lines`, () => {
    const long = files.map((f) => [rel(f), readFileSync(f, 'utf8').split('\n').length] as const).filter(([, n]) => n > MAX_LINES);
    expect(long).toEqual([]);
  });

  it('keeps test fixtures out of src/', () => {
    const walk = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
    const all = PACKAGES.flatMap(walk);
    expect(all.filter((f) => /fixture/.test(f)).map(rel)).toEqual([]);
  });

  it(`has at most ${MAX_COORDINATOR_ROOT_FILES} files at the root of the coordinator's src/`, () => {
    const root = join(ROOT, 'packages/coordinator/src');
    const atRoot = readdirSync(root).filter((n) => !statSync(join(root, n)).isDirectory() && !n.endsWith('.test.ts'));
    expect(atRoot.length, atRoot.join(', ')).toBeLessThanOrEqual(MAX_COORDINATOR_ROOT_FILES);
  });
});
