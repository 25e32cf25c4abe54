import { fileURLToPath } from 'node:url';
import { runningAsSea } from '../core/embedded.js';

/** How to run umd itself, for starting the daemon: node and this package's `bin/run.js`, or the single executable alone. */
export function selfCommand(): string[] {
  if (runningAsSea()) return [process.execPath];
  return [process.execPath, fileURLToPath(new URL('../../../bin/run.js', import.meta.url))];
}
