/**
 * Node and coordinator processes start from a bundle of their entry point, built once with esbuild
 * and cached by the hash of the sources. Starting through tsx compiles TypeScript in every process
 * (about 200 ms and 40 MB each, with an esbuild helper process beside it); a bundle starts like
 * plain JavaScript, which is what lets a laptop start hundreds of nodes.
 * The bundle lives in node_modules/.cache, so `require('pino-pretty')` still resolves.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, version } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Inside node_modules, so the bundle's bare imports (ws, pino, zod) resolve from the project. */
const CACHE = join(ROOT, 'node_modules', '.cache', 'agentnet');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** A hash of everything a bundle is built from: sources, manifests, the lockfile and esbuild. */
function sourceHash(): string {
  const hash = createHash('sha256').update(version).update(readFileSync(join(ROOT, 'package-lock.json')));
  for (const pkg of ['protocol', 'node', 'coordinator']) {
    const dir = join(ROOT, 'packages', pkg);
    for (const file of [join(dir, 'package.json'), ...sources(join(dir, 'src')).sort()]) {
      hash.update(relative(ROOT, file)).update(readFileSync(file));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Returns the path of a bundle of `entry` (a .ts file in this repo) that is current with the
 * sources, building it if needed. Concurrent callers may build at once; each writes its own temp
 * file and renames it into place, so a reader never sees half a bundle.
 */
export async function ensureBundle(entry: string): Promise<string> {
  const name = relative(ROOT, entry).replaceAll(/[\\/]/g, '_').replace(/\.ts$/, '');
  const out = join(CACHE, `${name}-${sourceHash()}.mjs`);
  if (existsSync(out)) return out;
  mkdirSync(CACHE, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp.mjs`;
  await build({
    entryPoints: [entry],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Dependencies are bundled too: one file to read and compile starts in 100 ms instead of 160
    // and idles at ~12 MB less RSS than ws, pino and zod loaded from their hundred-odd files.
    // pino-pretty stays outside: it is loaded (by require) only for --pretty.
    external: ['pino-pretty', 'esbuild'],
    // Bundled CommonJS packages call require() for Node's built-ins; ESM output needs one.
    banner: { js: "import { createRequire as __agentnetRequire } from 'node:module'; const require = __agentnetRequire(import.meta.url);" },
    logLevel: 'silent',
  });
  renameSync(tmp, out);
  return out;
}
