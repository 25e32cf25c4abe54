import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UmdError } from './errors.js';

export interface LaunchOptions {
  /** Put the handler in a PID namespace of its own when the system allows it (default true). */
  pidNamespace?: boolean;
}

/** The launcher every handler starts through: `libexec/umd-exec`, built at install (or `UMD_EXEC`). */
export function launcherPath(env: Record<string, string | undefined> = process.env): string {
  return env.UMD_EXEC ?? fileURLToPath(new URL('../../../libexec/umd-exec', import.meta.url));
}

/**
 * The command line that starts `blob` so that it dies with the daemon, and
 * so that, in a PID namespace, nothing it forks outlives it.
 */
export function handlerCommand(blob: string, options: LaunchOptions = {}): { command: string; args: string[] } {
  const launcher = launcherPath();
  if (!existsSync(launcher)) {
    throw new UmdError('ENOENT', `the handler launcher ${launcher} is missing`, {
      suggestions: ['Build it with `npm run build:drivers` (it needs a C compiler and make)'],
    });
  }
  const args = options.pidNamespace === false ? ['--no-pidns', '--', blob] : ['--', blob];
  return { command: launcher, args };
}
