import { UmdError } from '../core/errors.js';

/** What `umd-exec --probe` tries: each a mechanism the sandbox is built from. */
export const MECHANISMS = ['user', 'userns', 'pid', 'net', 'ipc', 'uts', 'mnt', 'kmsg', 'proc', 'root', 'nnp', 'seccomp'] as const;
export type Mechanism = (typeof MECHANISMS)[number];

export interface SandboxProbe {
  /** The effective uid the launcher (so the daemon) runs as. */
  uid: number;
  /** Per mechanism: null when it works here, else the errno name it failed with. */
  failures: Partial<Record<Mechanism, string | null>>;
  /** The architecture the seccomp filter is built for, or null. */
  arch: string | null;
  /** The default allow-list, as names that exist on this architecture. */
  defaultSyscalls: string[];
  /** Every system call name this architecture has. */
  knownSyscalls: ReadonlySet<string>;
}

/** Parses the probe's `<name> ok` / `<name> no <ERRNO>` lines. */
export function parseProbe(text: string): SandboxProbe {
  const probe: SandboxProbe = { uid: -1, failures: {}, arch: null, defaultSyscalls: [], knownSyscalls: new Set() };
  for (const line of text.split('\n')) {
    const [key = '', ...rest] = line.split(' ');
    const value = rest.join(' ');
    if (key === 'uid') probe.uid = Number(value);
    else if (key === 'arch') probe.arch = value === 'unsupported' ? null : value;
    else if (key === 'default') probe.defaultSyscalls = value.split(',').filter(Boolean);
    else if (key === 'known') probe.knownSyscalls = new Set(value.split(',').filter(Boolean));
    else if ((MECHANISMS as readonly string[]).includes(key)) {
      probe.failures[key as Mechanism] = rest[0] === 'ok' ? null : (rest[1] ?? 'EPERM');
    }
  }
  return probe;
}

/** Is `mechanism` available? (`userns` only matters, and is only probed, when not root.) */
export function grants(probe: SandboxProbe, mechanism: Mechanism): boolean {
  return probe.failures[mechanism] === null;
}

const probes = new Map<string, Promise<SandboxProbe>>();

/**
 * What this system grants a handler, asked once per launcher and process:
 * the launcher tries each mechanism in a throwaway process of its own.
 */
/** `launcher --probe`; child_process is loaded here, as a CLI that only asks the daemon never needs it. */
async function runProbe(launcher: string): Promise<{ stdout: string }> {
  const [{ execFile }, { promisify }] = await Promise.all([import('node:child_process'), import('node:util')]);
  return promisify(execFile)(launcher, ['--probe'], { env: {}, maxBuffer: 1 << 20 });
}

export async function probeSandbox(launcher: string): Promise<SandboxProbe> {
  let probe = probes.get(launcher);
  if (!probe) {
    probe = runProbe(launcher).then(
      ({ stdout }) => parseProbe(stdout),
      (error: unknown) => {
        probes.delete(launcher);
        throw new UmdError('EIO', `cannot ask the handler launcher ${launcher} what sandbox this system allows: ${(error as Error).message}`, {
          cause: error,
          suggestions: ['Rebuild it with `npm run build:drivers`'],
        });
      },
    );
    probes.set(launcher, probe);
  }
  return probe;
}
