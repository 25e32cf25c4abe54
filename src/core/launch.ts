import { existsSync } from 'node:fs';
import { UmdError } from './errors.js';

export interface LaunchOptions {
  /** Put the handler in a PID namespace of its own when the system allows it (default true). */
  pidNamespace?: boolean;
  /** Run handlers in the sandbox (default true); false is for comparing start costs, and logs a warning at load. */
  sandbox?: boolean;
}

/** The launcher's path if it is there, or ENOENT saying how to build it. */
export function requireLauncher(launcher: string, driver?: string): string {
  if (!existsSync(launcher)) {
    throw new UmdError('ENOENT', `${driver ? `driver ${driver}: ` : ''}the handler launcher ${launcher} is missing`, {
      suggestions: ['Build it with `npm run build:drivers` (it needs a C compiler and make)'],
    });
  }
  return launcher;
}

/** The descriptor on which the launcher reports the handler's own pid (`pid N`, see libexec/umd-exec.c). */
export const INFO_FD = 3;

/**
 * The command line that starts `blob` so that it dies with the daemon, so
 * that, in a PID namespace, nothing it forks outlives it, and, with a
 * sandbox plan, so that it runs in that sandbox.
 */
export function handlerCommand(
  launcherPath: string,
  blob: string,
  options: LaunchOptions = {},
  sandbox: { args: string[]; pidNamespace: boolean } | null = null,
): { command: string; args: string[]; supervised: boolean; infoFd: number } {
  const launcher = requireLauncher(launcherPath);
  const pidns = options.pidNamespace === false || (sandbox && !sandbox.pidNamespace) ? ['--no-pidns'] : [];
  // In a PID namespace the launcher stays as the handler's supervisor (see HandlerSpec.supervised).
  return {
    command: launcher,
    args: [...pidns, '--info-fd', String(INFO_FD), ...(sandbox?.args ?? []), '--', blob],
    supervised: pidns.length === 0,
    infoFd: INFO_FD,
  };
}
