import { fileURLToPath } from 'node:url';
import { runningAsSea } from '../core/embedded.js';

/**
 * How to run umd itself, for starting the daemon: node and this package's
 * `bin/run.js`, or the single executable alone. `UMD_SELF` (a JSON array)
 * overrides it.
 */
export function selfCommand(env: Record<string, string | undefined> = process.env): string[] {
  if (env.UMD_SELF) return JSON.parse(env.UMD_SELF) as string[];
  if (runningAsSea()) return [process.execPath];
  return [process.execPath, fileURLToPath(new URL('../../../bin/run.js', import.meta.url))];
}
