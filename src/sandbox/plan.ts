import { userInfo } from 'node:os';
import { UmdError } from '../core/errors.js';
import type { LaunchOptions } from '../core/launch.js';
import type { DriverManifest } from '../core/package.js';
import type { CgroupSupport } from './cgroup.js';
import { DEFAULT_LIMITS, type SandboxLimits } from './manifest.js';
import { grants, type Mechanism, type SandboxProbe } from './probe.js';
import { rootPaths, type RootPath } from './tree.js';
import { ownAccounts, resolveAccounts, type Account } from './users.js';

/** The protections that can be missing, by the names warnings, `umd info` and ENOTSUP use. */
export const PROTECTIONS = [
  'user',
  'pid-namespace',
  'network-namespace',
  'ipc-namespace',
  'mount-namespace',
  'uts-namespace',
  'private-proc',
  'private-kmsg',
  'private-root',
  'memory-limit',
  'seccomp',
] as const;
export type Protection = (typeof PROTECTIONS)[number];

export type Namespace = 'pid' | 'network' | 'ipc' | 'mount' | 'uts';

/**
 * How `limits.processes` is enforced: a cgroup's pids.max; RLIMIT_NPROC in
 * the handler's own user namespace (it counts that handler's processes
 * only); RLIMIT_NPROC on the handler's uid (it counts every process of that
 * uid on the host); or not at all.
 */
export type ProcessLimit = 'cgroup' | 'rlimit-userns' | 'rlimit-uid' | 'none';

/**
 * The sandbox one driver's handlers get on this system: what driver.json
 * asks for, minus what the system cannot give (each with its reason).
 * `status` is `on` when nothing is missing, `partial` when something is,
 * `off` when the sandbox is turned off.
 */
export interface SandboxPlan {
  status: 'on' | 'partial' | 'off';
  /** Who turned it off, when it is off. */
  disabledBy: string | null;
  /** driver.json's "requireSandbox": refuse to load rather than run with something missing. */
  required: boolean;
  user: Account;
  group: Account;
  /** The handler runs as `user`/`group`, not as the daemon's user. */
  switchesUser: boolean;
  /** Its namespaces are made inside a user namespace (a daemon that is not root). */
  userNamespace: boolean;
  namespaces: Namespace[];
  privateProc: boolean;
  privateKmsg: boolean;
  /** Capabilities emptied, supplementary groups dropped (when switching user), no_new_privs set. */
  noPrivileges: boolean;
  /** The handler's root is a private read-only tree (pivot_root) holding only `rootPaths` of the host. */
  privateRoot: boolean;
  rootPaths: RootPath[];
  /** Bytes of its private scratch /tmp, or null for none. */
  scratchBytes: number | null;
  /** The limits set; null ones are left as the daemon has them. */
  limits: SandboxLimits | null;
  /** How the limits on all of the handler's processes together are enforced here. */
  enforcement: { processes: ProcessLimit; memory: 'cgroup' | 'none' };
  /** The system call allow-list, or null without seccomp. */
  seccomp: { allowed: string[]; extra: string[] } | null;
  missing: Array<{ protection: Protection; reason: string }>;
}

export interface PlanInput {
  driver: string;
  manifest: DriverManifest;
  launch: LaunchOptions;
  probe: SandboxProbe;
  /** What the host delegates (cgroup.ts); without it, rlimits only. */
  cgroups?: CgroupSupport;
  /** Does the blob need the dynamic loader (elf.ts)? Default true. */
  loader?: boolean;
  /** Host dirs no root path may hold or lie in (umd's runtime dir). */
  hidden?: string[];
}

const NO_CGROUPS: CgroupSupport = { pids: null, memory: null, reason: 'not probed' };

const NAMESPACES: Array<[Namespace, Protection, Mechanism]> = [
  ['pid', 'pid-namespace', 'pid'],
  ['network', 'network-namespace', 'net'],
  ['ipc', 'ipc-namespace', 'ipc'],
  ['mount', 'mount-namespace', 'mnt'],
  ['uts', 'uts-namespace', 'uts'],
];

function daemonAccounts(uid: number): { user: Account; group: Account } {
  const me = userInfo();
  return ownAccounts(uid, me.gid, me.username);
}

/** Why `mechanism` is not available, in words for a log line. */
function reason(probe: SandboxProbe, mechanism: Mechanism): string {
  const failure = probe.failures[mechanism] ?? 'not probed';
  if (probe.uid !== 0 && !grants(probe, 'userns') && mechanism !== 'seccomp' && mechanism !== 'nnp') {
    return `the daemon is not root and cannot create a user namespace (${probe.failures.userns ?? 'not probed'})`;
  }
  return `the system refused it (${failure})`;
}

function checkSyscalls(input: PlanInput): string[] {
  const extra = input.manifest.syscalls ?? [];
  const unknown = extra.filter((name) => !input.probe.knownSyscalls.has(name));
  if (unknown.length > 0) {
    throw new UmdError('EINVAL', `driver ${input.driver}: driver.json "syscalls" names ${unknown.join(', ')}, which ${input.probe.arch ?? 'this architecture'} does not have`, {
      suggestions: ['Use the names of <sys/syscall.h> without SYS_, e.g. "socket", "clone"'],
    });
  }
  return extra;
}

/** Who turned the sandbox off, or null. Without no_new_privs (Linux < 3.5) nothing of it can be had. */
function disabledBy({ manifest, launch, probe }: PlanInput): string | null {
  if (manifest.sandbox === false) return 'driver.json ("sandbox": false)';
  if (launch.sandbox === false) return "the manager's launch options (sandbox: false)";
  if (!grants(probe, 'nnp')) return `the system (no_new_privs: ${probe.failures.nnp ?? 'not probed'})`;
  return null;
}

/**
 * Works out the sandbox a driver's handlers get. Throws EINVAL for a user,
 * group or system call that does not exist here; never for a protection the
 * system lacks (that is `missing`, and ENOTSUP only when the driver requires it).
 */
export function planSandbox(input: PlanInput): SandboxPlan {
  const { manifest, launch, probe } = input;
  const root = probe.uid === 0;
  const pidAllowed = launch.pidNamespace !== false;
  const offBy = disabledBy(input);
  if (offBy !== null) {
    return {
      status: 'off',
      disabledBy: offBy,
      required: manifest.requireSandbox === true,
      ...daemonAccounts(probe.uid),
      switchesUser: false,
      userNamespace: false,
      namespaces: pidAllowed && grants(probe, 'pid') && root ? ['pid'] : [],
      privateProc: false,
      privateKmsg: false,
      noPrivileges: false,
      privateRoot: false,
      rootPaths: [],
      scratchBytes: null,
      limits: null,
      enforcement: { processes: 'none', memory: 'none' },
      seccomp: null,
      missing: [],
    };
  }
  const extra = checkSyscalls(input);
  const missing: SandboxPlan['missing'] = [];
  const accounts = root ? resolveAccounts(input.driver, manifest.user, manifest.group) : daemonAccounts(probe.uid);
  if (!root) {
    const asked = manifest.user === undefined ? '' : ` (driver.json asks for ${manifest.user})`;
    missing.push({ protection: 'user', reason: `the daemon runs as uid ${probe.uid}, not root, so the handler runs as the daemon's own user${asked}` });
  }
  const namespaces: Namespace[] = [];
  for (const [ns, protection, mechanism] of NAMESPACES) {
    if (ns === 'pid' && !pidAllowed) missing.push({ protection, reason: "turned off by the manager's launch options (pidNamespace: false)" });
    else if (grants(probe, mechanism)) namespaces.push(ns);
    else missing.push({ protection, reason: reason(probe, mechanism) });
  }
  const privateProc = namespaces.includes('pid') && namespaces.includes('mount') && grants(probe, 'proc');
  if (!privateProc) {
    const why = namespaces.includes('pid') && namespaces.includes('mount') ? reason(probe, 'proc') : 'it needs the PID and mount namespaces';
    missing.push({ protection: 'private-proc', reason: why });
  }
  const privateKmsg = namespaces.includes('mount') && grants(probe, 'kmsg');
  if (!privateKmsg) {
    const why = namespaces.includes('mount') ? reason(probe, 'kmsg') : 'it needs the mount namespace';
    missing.push({ protection: 'private-kmsg', reason: `${why}; the handler sees the host's /dev/kmsg` });
  }
  const privateRoot = namespaces.includes('mount') && grants(probe, 'root');
  if (!privateRoot) {
    const why = namespaces.includes('mount') ? reason(probe, 'root') : 'it needs the mount namespace';
    missing.push({ protection: 'private-root', reason: `${why}; the handler sees the host's files as its user may` });
  }
  const limits: SandboxLimits = { ...DEFAULT_LIMITS, ...(manifest.scratchBytes ? { fileSizeBytes: manifest.scratchBytes } : {}), ...manifest.limits };
  const cgroups = input.cgroups ?? NO_CGROUPS;
  const memory = limits.memoryBytes === null ? 'none' : cgroups.memory !== null ? 'cgroup' : 'none';
  if (limits.memoryBytes !== null && memory === 'none') {
    missing.push({ protection: 'memory-limit', reason: `no cgroup (${cgroups.reason ?? 'none'}); each process is held to the address-space limit only` });
  }
  const processes: ProcessLimit =
    limits.processes === null ? 'none' : cgroups.pids !== null ? 'cgroup' : !root && namespaces.length > 0 ? 'rlimit-userns' : 'rlimit-uid';
  const seccomp = grants(probe, 'seccomp') && probe.arch !== null;
  if (!seccomp) {
    missing.push({ protection: 'seccomp', reason: probe.arch === null ? 'umd-exec has no filter for this architecture' : reason(probe, 'seccomp') });
  }
  return {
    status: missing.length === 0 ? 'on' : 'partial',
    disabledBy: null,
    required: manifest.requireSandbox === true,
    ...accounts,
    switchesUser: root,
    userNamespace: !root && namespaces.length > 0,
    namespaces,
    privateProc,
    privateKmsg,
    noPrivileges: true,
    privateRoot,
    rootPaths: privateRoot ? rootPaths(input.driver, input.loader ?? true, manifest.readOnlyPaths, input.hidden) : [],
    scratchBytes: privateRoot ? (manifest.scratchBytes ?? null) : null,
    limits,
    enforcement: { processes, memory },
    seccomp: seccomp ? { allowed: [...new Set([...probe.defaultSyscalls, ...extra])], extra } : null,
    missing,
  };
}

