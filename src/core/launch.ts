import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { embeddedFile, runningAsSea } from './embedded.js';
import { UmdError } from './errors.js';
import { ensureRuntimeDir, runtimeDir } from './paths.js';
import type { SandboxLimits } from '../sandbox/manifest.js';
import type { SandboxPlan } from '../sandbox/plan.js';

export interface LaunchOptions {
  /** Put the handler in a PID namespace of its own when the system allows it (default true). */
  pidNamespace?: boolean;
  /** Run handlers in the sandbox (default true); false is for comparing start costs, and logs a warning at load. */
  sandbox?: boolean;
}

/**
 * The launcher every handler starts through: `UMD_EXEC`, else `libexec/umd-exec`,
 * built at install (inside the single executable, its extracted copy).
 */
export function launcherPath(env: Record<string, string | undefined> = process.env): string {
  if (env.UMD_EXEC !== undefined) return env.UMD_EXEC;
  if (runningAsSea()) return embeddedFile('libexec/umd-exec', ensureRuntimeDir(runtimeDir(env)).dir);
  return fileURLToPath(new URL('../../../libexec/umd-exec', import.meta.url));
}

/** The launcher's path, or ENOENT saying how to build it. */
export function requireLauncher(): string {
  const launcher = launcherPath();
  if (!existsSync(launcher)) {
    throw new UmdError('ENOENT', `the handler launcher ${launcher} is missing`, {
      suggestions: ['Build it with `npm run build:drivers` (it needs a C compiler and make)'],
    });
  }
  return launcher;
}

const RLIMIT_FLAGS: Record<keyof SandboxLimits, string> = {
  addressSpaceBytes: 'as',
  openFiles: 'nofile',
  cpuSeconds: 'cpu',
  fileSizeBytes: 'fsize',
  coreBytes: 'core',
};

/** umd-exec's options for `plan` (see libexec/umd-exec.c); `kmsg` is the FIFO to bind over /dev/kmsg. */
export function sandboxArgs(plan: SandboxPlan, kmsg: string | null): string[] {
  if (plan.status === 'off') return [];
  const args = ['--sandbox'];
  if (plan.switchesUser) args.push('--user', `${plan.user.id}:${plan.group.id}`);
  if (plan.userNamespace) args.push('--userns');
  const unshare = (['network', 'ipc', 'mount'] as const).filter((ns) => plan.namespaces.includes(ns));
  if (unshare.length > 0) args.push('--unshare', unshare.map((ns) => ({ network: 'net', ipc: 'ipc', mount: 'mnt' })[ns]).join(','));
  if (plan.privateProc) args.push('--proc');
  if (plan.privateKmsg && kmsg) args.push('--kmsg', kmsg);
  if (plan.limits) {
    const limits = Object.entries(plan.limits).map(([name, value]) => `${RLIMIT_FLAGS[name as keyof SandboxLimits]}=${value ?? 'inf'}`);
    args.push('--rlimit', limits.join(','));
  }
  if (plan.seccomp) args.push('--seccomp', plan.seccomp.extra.length > 0 ? plan.seccomp.extra.join(',') : '-');
  return args;
}

/**
 * The command line that starts `blob` so that it dies with the daemon, so
 * that, in a PID namespace, nothing it forks outlives it, and, with a
 * sandbox plan, so that it runs in that sandbox.
 */
export function handlerCommand(
  blob: string,
  options: LaunchOptions = {},
  sandbox: { plan: SandboxPlan; kmsg: string | null } | null = null,
): { command: string; args: string[]; supervised: boolean } {
  const launcher = requireLauncher();
  const pidns = options.pidNamespace === false || (sandbox && !sandbox.plan.namespaces.includes('pid')) ? ['--no-pidns'] : [];
  const confine = sandbox ? sandboxArgs(sandbox.plan, sandbox.kmsg) : [];
  // In a PID namespace the launcher stays as the handler's supervisor (see HandlerSpec.supervised).
  return { command: launcher, args: [...pidns, ...confine, '--', blob], supervised: pidns.length === 0 };
}
