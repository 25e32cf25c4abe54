import path from 'node:path';
import { UmdError } from '../core/errors.js';

/** Resource limits a handler gets, as driver.json's "limits" names them. */
export const LIMIT_NAMES = ['addressSpaceBytes', 'openFiles', 'cpuSeconds', 'fileSizeBytes', 'coreBytes', 'processes', 'memoryBytes'] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];
/** A limit's value; null leaves the daemon's own. */
export type SandboxLimits = Record<LimitName, number | null>;

/**
 * Enough for a C parser with a 128 KiB reply; a handler that wants more says
 * so in driver.json. CPU time adds up over a handler's whole life: one that
 * reaches it is killed (SIGXCPU) and the next request starts a fresh one.
 * `processes` counts the handler and everything it forks, threads included;
 * `memoryBytes` is all of their memory together (a cgroup's, where the host
 * delegates one: see cgroup.ts).
 */
export const DEFAULT_LIMITS: SandboxLimits = {
  addressSpaceBytes: 256 * 1024 * 1024,
  openFiles: 64,
  cpuSeconds: 60,
  fileSizeBytes: 0,
  coreBytes: 0,
  processes: 32,
  memoryBytes: 256 * 1024 * 1024,
};

/** driver.json's sandbox fields (drivers/README.md, "Sandbox"). */
export interface SandboxManifestFields {
  /** Run the handler in umd's sandbox (default true); false logs a warning at every load. */
  sandbox?: boolean;
  /** Refuse to load (ENOTSUP) unless every protection is in place. */
  requireSandbox?: boolean;
  /** Who the handler runs as when the daemon is root (default `nobody`). */
  user?: string | number;
  /** Its group (default `nogroup`, else the user's own group). */
  group?: string | number;
  /** System calls allowed on top of the default allow-list. */
  syscalls?: string[];
  /** Overrides of DEFAULT_LIMITS. */
  limits?: Partial<SandboxLimits>;
  /** Host files and directories the handler may read (an interpreter's), bound read-only into its private root. */
  readOnlyPaths?: string[];
  /** Bytes of a private scratch tmpfs at /tmp (none by default). */
  scratchBytes?: number;
}

const MAX_SCRATCH = 1024 * 1024 * 1024;
const MIN_MEMORY = 4 * 1024 * 1024;
/** Absolute, normalized, not "/" and not where the private root puts its own (/dev, /proc, /tmp). */
const OWN_TREES = ['/dev', '/proc', '/tmp'];

const ACCOUNT = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;
const SYSCALL = /^[a-z0-9_]{1,64}$/;

function invalid(file: string, field: string, expected: string, got: unknown): UmdError {
  return new UmdError('EINVAL', `bad driver package ${file}: expected "${field}" to be ${expected}, got ${JSON.stringify(got)}`, {
    suggestions: ['See drivers/README.md ("Sandbox") for the sandbox fields of driver.json'],
  });
}

/** Ids are 32 bits, and (uid_t)-1 means "unchanged" to setresuid: 4294967295 and beyond would run the handler as root. */
const MAX_ID = 0xffffffff;

function checkAccount(file: string, field: string, value: unknown): void {
  if (value === undefined) return;
  const ok = (typeof value === 'string' && ACCOUNT.test(value) && value !== 'root') || (Number.isSafeInteger(value) && (value as number) > 0 && (value as number) < MAX_ID);
  if (!ok) throw invalid(file, field, 'a user or group name or a positive id, not root', value);
}

function checkLimits(file: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(file, 'limits', 'an object', value);
  for (const [key, limit] of Object.entries(value)) {
    if (!(LIMIT_NAMES as readonly string[]).includes(key)) throw invalid(file, 'limits', `an object with keys among ${LIMIT_NAMES.join(', ')}`, key);
    if (limit !== null && !(Number.isSafeInteger(limit) && (limit as number) >= 0)) {
      throw invalid(file, `limits.${key}`, 'a non-negative integer, or null for no limit', limit);
    }
    // The handler itself is one of its processes, and needs some memory to start.
    if (key === 'processes' && limit === 0) throw invalid(file, 'limits.processes', 'at least 1 (the handler itself), or null for no limit', limit);
    if (key === 'memoryBytes' && limit !== null && (limit as number) < MIN_MEMORY) {
      throw invalid(file, 'limits.memoryBytes', `at least ${MIN_MEMORY} (4 MiB), or null for no limit`, limit);
    }
  }
}

function checkPaths(file: string, value: unknown): void {
  if (value === undefined) return;
  const expected = 'an array of absolute host paths (not /, /dev, /proc, /tmp or below them)';
  if (!Array.isArray(value) || value.length > 32) throw invalid(file, 'readOnlyPaths', expected, value);
  for (const entry of value as unknown[]) {
    const ok =
      typeof entry === 'string' &&
      entry.startsWith('/') &&
      entry.length > 1 &&
      entry.length < 1024 &&
      path.posix.normalize(entry) === entry &&
      !entry.endsWith('/') &&
      !OWN_TREES.some((tree) => entry === tree || entry.startsWith(`${tree}/`));
    if (!ok) throw invalid(file, 'readOnlyPaths', expected, entry);
  }
}

/** Checks the sandbox fields of one parsed driver.json; every error names the file and the field. */
export function checkSandboxFields(m: Record<string, unknown>, file: string): void {
  for (const field of ['sandbox', 'requireSandbox'] as const) {
    if (m[field] !== undefined && typeof m[field] !== 'boolean') throw invalid(file, field, 'true or false', m[field]);
  }
  if (m.sandbox === false && m.requireSandbox === true) throw invalid(file, 'requireSandbox', 'false when "sandbox" is false', true);
  checkAccount(file, 'user', m.user);
  checkAccount(file, 'group', m.group);
  if (m.syscalls !== undefined) {
    const list = m.syscalls as unknown[];
    if (!Array.isArray(list) || list.length > 512 || list.some((s) => typeof s !== 'string' || !SYSCALL.test(s))) {
      throw invalid(file, 'syscalls', 'an array of system call names such as "socket"', m.syscalls);
    }
  }
  checkLimits(file, m.limits);
  checkPaths(file, m.readOnlyPaths);
  const scratch = m.scratchBytes;
  if (scratch !== undefined && !(Number.isSafeInteger(scratch) && (scratch as number) > 0 && (scratch as number) <= MAX_SCRATCH)) {
    throw invalid(file, 'scratchBytes', `a positive number of bytes up to ${MAX_SCRATCH}`, scratch);
  }
}
