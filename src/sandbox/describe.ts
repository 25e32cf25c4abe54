import type { SandboxLimits } from './manifest.js';
import type { SandboxPlan } from './plan.js';

const MiB = 1024 * 1024;

function bytes(value: number): string {
  return value >= MiB && value % MiB === 0 ? `${value / MiB} MiB` : `${value} bytes`;
}

function limitsLine(limits: SandboxLimits | null): string {
  if (!limits) return "the daemon's own";
  const show = (value: number | null, unit: (v: number) => string) => (value === null ? "the daemon's" : unit(value));
  return [
    `address space ${show(limits.addressSpaceBytes, bytes)}`,
    `open files ${show(limits.openFiles, String)}`,
    `CPU ${show(limits.cpuSeconds, (v) => `${v} s`)}`,
    `file size ${show(limits.fileSizeBytes, bytes)}`,
    `core ${show(limits.coreBytes, bytes)}`,
  ].join(', ');
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
    ['limits', limitsLine(plan.limits)],
    ['seccomp', seccomp],
    ...plan.missing.map((m): [string, string] => ['missing', `${m.protection}: ${m.reason}`]),
  ];
}
