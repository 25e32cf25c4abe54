import type { SandboxLimits } from './manifest.js';
import type { ProcessLimit, SandboxPlan } from './plan.js';

const MiB = 1024 * 1024;
const KiB = 1024;

function bytes(value: number): string {
  if (value >= MiB && value % MiB === 0) return `${value / MiB} MiB`;
  return value >= KiB && value % KiB === 0 ? `${value / KiB} KiB` : `${value} bytes`;
}

const HOW_PROCESSES: Record<ProcessLimit, string> = {
  cgroup: 'cgroup pids.max',
  'rlimit-userns': 'RLIMIT_NPROC in its own user namespace',
  'rlimit-uid': "RLIMIT_NPROC, which counts every process of the handler's uid",
  none: 'not enforced',
};

function limitsLine(plan: SandboxPlan, limits: SandboxLimits | null): string {
  if (!limits) return "the daemon's own";
  const show = (value: number | null, unit: (v: number) => string) => (value === null ? "the daemon's" : unit(value));
  const memory =
    limits.memoryBytes === null
      ? 'memory not limited'
      : plan.enforcement.memory === 'cgroup'
        ? `memory ${bytes(limits.memoryBytes)} for all its processes (cgroup)`
        : 'memory not limited as a whole (no cgroup)';
  return [
    `address space ${show(limits.addressSpaceBytes, bytes)}`,
    `open files ${show(limits.openFiles, String)}`,
    `CPU ${show(limits.cpuSeconds, (v) => `${v} s`)}`,
    `file size ${show(limits.fileSizeBytes, bytes)}`,
    `core ${show(limits.coreBytes, bytes)}`,
    limits.processes === null ? 'processes not limited' : `processes ${limits.processes} (${HOW_PROCESSES[plan.enforcement.processes]})`,
    memory,
  ].join(', ');
}

function rootLine(plan: SandboxPlan): string {
  if (!plan.privateRoot) return "the host's (no private root)";
  const paths = plan.rootPaths.map((p) => (p.link ? `${p.path} (link)` : p.path));
  const dev = `/dev (null zero urandom${plan.privateKmsg ? ' kmsg' : ''})`;
  const own = [dev, ...(plan.privateProc ? ['/proc'] : []), ...(plan.scratchBytes !== null ? [`/tmp (scratch, ${bytes(plan.scratchBytes)})`] : [])];
  return `private, read-only: ${[...paths, ...own].join(', ')}`;
}

/** `umd info`'s sandbox lines, as [label, value] pairs. */
export function describeSandbox(plan: SandboxPlan): Array<[string, string]> {
  const state =
    plan.status === 'on'
      ? 'on'
      : plan.status === 'off'
        ? `OFF (turned off by ${plan.disabledBy})`
        : `partial: missing ${plan.missing.map((m) => m.protection).join(', ')}`;
  const who = `${plan.user.name} (uid ${plan.user.id}), group ${plan.group.name} (gid ${plan.group.id})`;
  const privileges = plan.noPrivileges
    ? `${plan.switchesUser ? ', no supplementary groups' : ''}, no capabilities, no_new_privs`
    : ", with the daemon's privileges";
  const extras = [plan.privateProc ? 'private /proc' : '', plan.privateKmsg ? 'private /dev/kmsg' : ''].filter(Boolean);
  const namespaces = plan.namespaces.length === 0 ? 'none (the host\'s)' : plan.namespaces.join(' ') + (extras.length > 0 ? ` (${extras.join(', ')})` : '');
  const seccomp = plan.seccomp
    ? `on: ${plan.seccomp.allowed.length} system calls allowed${plan.seccomp.extra.length > 0 ? ` (the default list + ${plan.seccomp.extra.join(', ')})` : ''}, and isatty's ioctl and signals to itself; any other kills the handler (SIGSYS)`
    : 'off';
  return [
    ['sandbox', `${state}${plan.required ? ' (required by driver.json)' : ''}`],
    ['runs as', `${who}${privileges}`],
    ['namespaces', namespaces],
    ['root', plan.status === 'off' ? "the host's" : rootLine(plan)],
    ['limits', limitsLine(plan, plan.limits)],
    ['seccomp', seccomp],
    ...plan.missing.map((m): [string, string] => ['missing', `${m.protection}: ${m.reason}`]),
  ];
}
