/**
 * The page's code and styles, inlined into every report.html so it opens from file:// with no
 * network: the page's TypeScript (./client) bundled with uPlot by esbuild, once per process, and
 * uPlot's stylesheet. Found through the package's own location, so this works from the sources
 * and from the coordinator's bundle alike.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export interface ClientAssets {
  script: string;
  style: string;
}

let assets: Promise<ClientAssets> | undefined;

async function build(): Promise<ClientAssets> {
  const root = dirname(require.resolve('@agentnet/coordinator/package.json'));
  // Loaded when a report is built, not when the coordinator starts: esbuild is heavy and only this needs it.
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    entryPoints: [join(root, 'src', 'report', 'html', 'client', 'main.ts')],
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

export function clientAssets(): Promise<ClientAssets> {
  assets ??= build().catch((err: unknown) => {
    assets = undefined;
    throw err;
  });
  return assets;
}
