/**
 * Where headless Chromium is: AGENTNET_CHROMIUM, or Debian's `chromium` (or another Chromium) on
 * the PATH. Shared by the browser tests and the bench.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export function findChromium(): string | undefined {
  const given = process.env.AGENTNET_CHROMIUM;
  if (given) return existsSync(given) ? given : undefined;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      const path = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (path) return path;
    } catch {
      // Not this one.
    }
  }
  return undefined;
}

export const CHROMIUM_MISSING =
  'no Chromium found: install it (Debian: apt-get install chromium) or set AGENTNET_CHROMIUM to a Chromium binary; .ci/run installs it';
