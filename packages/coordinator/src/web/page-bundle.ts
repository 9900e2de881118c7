/**
 * The pages' code and styles, inlined into every page so report.html opens from file:// with no
 * network and the dashboard asks its server for nothing but data: the page's TypeScript
 * (./browser, one entry per page) bundled with uPlot by esbuild, once per process, and uPlot's
 * stylesheet. Found through the package's own location, so this works from the sources and from
 * the coordinator's bundle alike.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export interface PageAssets {
  script: string;
  style: string;
}

/** The page's entry in ./browser: report.html's, or the live dashboard's. */
export type PageEntry = 'report-main' | 'dashboard-main';

const assets = new Map<PageEntry, Promise<PageAssets>>();

async function build(entry: PageEntry): Promise<PageAssets> {
  const root = dirname(require.resolve('@agentnet/coordinator/package.json'));
  // Loaded when a report is built, not when the coordinator starts: esbuild is heavy and only this needs it.
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    entryPoints: [join(root, 'src', 'web', 'browser', `${entry}.ts`)],
    bundle: true,
    write: false,
    format: 'iife',
    minify: true,
    target: 'es2020',
    logLevel: 'silent',
  });
  const script = out.outputFiles[0]?.text ?? '';
  const style = await readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  return { script, style };
}

export function pageAssets(entry: PageEntry): Promise<PageAssets> {
  let built = assets.get(entry);
  if (!built) {
    built = build(entry).catch((err: unknown) => {
      assets.delete(entry);
      throw err;
    });
    assets.set(entry, built);
  }
  return built;
}
