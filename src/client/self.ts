import { fileURLToPath } from 'node:url';

/**
 * How to run umd itself, for starting the daemon: node and this package's
 * `bin/run.js`. `UMD_SELF` (a JSON array) overrides it, e.g. for a packaged
 * binary that is its own entry.
 */
export function selfCommand(env: Record<string, string | undefined> = process.env): string[] {
  if (env.UMD_SELF) return JSON.parse(env.UMD_SELF) as string[];
  return [process.execPath, fileURLToPath(new URL('../../../bin/run.js', import.meta.url))];
}
