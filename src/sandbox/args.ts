import type { SandboxLimits } from './manifest.js';
import type { SandboxPlan } from './plan.js';

/** umd-exec's name for each limit (its --rlimit option; see libexec/options.c). */
const RLIMIT_FLAGS: Record<Exclude<keyof SandboxLimits, 'processes' | 'memoryBytes'>, string> = {
  addressSpaceBytes: 'as',
  openFiles: 'nofile',
  cpuSeconds: 'cpu',
  fileSizeBytes: 'fsize',
  coreBytes: 'core',
};

/** umd-exec's option for each namespace besides the PID one. */
const UNSHARE_FLAGS = { network: 'net', ipc: 'ipc', mount: 'mnt', uts: 'uts' } as const;

/**
 * Processes of the handler's that are not its own: the launcher and, in a
 * PID namespace, the reaper. Both are in its cgroup (the launcher joins it
 * before it forks) and, in a user namespace, in its RLIMIT_NPROC count.
 */
export function supervisors(plan: SandboxPlan): number {
  return plan.namespaces.includes('pid') ? 2 : 0;
}

/** The RLIMIT_NPROC a handler gets, or null for the daemon's own. */
function nproc(plan: SandboxPlan, limits: SandboxLimits): number | null {
  if (limits.processes === null) return null;
  if (plan.enforcement.processes === 'rlimit-userns') return limits.processes + supervisors(plan);
  return plan.enforcement.processes === 'rlimit-uid' ? limits.processes : null;
}

/**
 * umd-exec's options for `plan` (see libexec/umd-exec.c); `kmsg` is the FIFO
 * to bind over /dev/kmsg, `cgroups` the cgroup.procs files to join.
 */
export function sandboxArgs(plan: SandboxPlan, kmsg: string | null, cgroups: string[] = []): string[] {
  if (plan.status === 'off') return [];
  const args = ['--sandbox'];
  if (plan.switchesUser) args.push('--user', `${plan.user.id}:${plan.group.id}`);
  if (plan.userNamespace) args.push('--userns');
  const unshare = (['network', 'ipc', 'mount', 'uts'] as const).filter((ns) => plan.namespaces.includes(ns));
  if (unshare.length > 0) args.push('--unshare', unshare.map((ns) => UNSHARE_FLAGS[ns]).join(','));
  if (plan.privateProc) args.push('--proc');
  if (plan.privateKmsg && kmsg) args.push('--kmsg', kmsg);
  if (plan.privateRoot) {
    args.push('--root');
    for (const entry of plan.rootPaths) args.push(entry.link ? '--ro-link' : '--ro', entry.path);
    if (plan.scratchBytes !== null) args.push('--scratch', String(plan.scratchBytes));
  }
  for (const file of cgroups) args.push('--cgroup', file);
  if (plan.limits) {
    const limits = plan.limits;
    const rlimits = Object.entries(RLIMIT_FLAGS).map(([name, flag]) => `${flag}=${limits[name as keyof typeof RLIMIT_FLAGS] ?? 'inf'}`);
    const processes = nproc(plan, limits);
    if (processes !== null) rlimits.push(`nproc=${processes}`);
    args.push('--rlimit', rlimits.join(','));
  }
  if (plan.seccomp) args.push('--seccomp', plan.seccomp.extra.length > 0 ? plan.seccomp.extra.join(',') : '-');
  return args;
}
