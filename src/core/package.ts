import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { toUmdError, UmdError } from './errors.js';
import { MAX_MANIFEST_BYTES, readCapped } from './package-files.js';
import { checkSandboxFields, type SandboxManifestFields } from '../sandbox/manifest.js';
import type { StartLimitSettings } from './start-limit.js';

/** driver.json, as documented in drivers/README.md (the sandbox fields: sandbox-manifest.ts). */
export interface DriverManifest extends SandboxManifestFields {
  name: string;
  description?: string;
  /** The executable blob, relative to the package directory. */
  handler: string;
  /** Hex sha256 of the blob. */
  sha256: string;
  /** A built-in manager's name, or a path (relative to the package) of an ES module. */
  manager: string;
  /** Deadline of one request, post_start included, in milliseconds. */
  timeoutMs?: number;
  /** The handler's whole environment. */
  env?: Record<string, string>;
  /** When a driver whose starts keep failing is `failed`, and for how long (defaults: 5 in 10 s, for 30 s). */
  startLimit?: Partial<StartLimitSettings>;
}

export interface DriverPackage {
  name: string;
  dir: string;
  manifestPath: string;
  manifest: DriverManifest;
  handlerPath: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** Rejects names that could escape a search directory or a runtime directory. */
export function checkDriverName(name: string): void {
  if (!NAME.test(name) || name.includes('..')) {
    throw new UmdError('EINVAL', `invalid driver name: expected letters, digits, '_', '-' or '.', got ${JSON.stringify(name)}`);
  }
}

function invalid(file: string, field: string, expected: string, got: unknown): UmdError {
  return new UmdError('EINVAL', `bad driver package ${file}: expected "${field}" to be ${expected}, got ${JSON.stringify(got)}`, {
    suggestions: ['See drivers/README.md for the driver.json format'],
  });
}

/** Parses and checks one driver.json; every error names the file and the field. */
export function parseManifest(text: string, file: string, dirName: string): DriverManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    // The parser's message quotes the text, which is not ours to repeat: only where it went wrong.
    const where = /position \d+(?: \(line \d+ column \d+\))?/.exec((error as Error).message)?.[0];
    throw new UmdError('EINVAL', `bad driver package ${file}: not JSON${where ? ` (at ${where})` : ''}`, { cause: error });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid(file, '(top level)', 'an object', raw);
  const m = raw as Record<string, unknown>;
  if (m.name !== dirName) throw invalid(file, 'name', `"${dirName}" (the package directory's name)`, m.name);
  for (const field of ['handler', 'manager'] as const) {
    if (typeof m[field] !== 'string' || m[field] === '') throw invalid(file, field, 'a non-empty string', m[field]);
  }
  if (typeof m.sha256 !== 'string' || !SHA256.test(m.sha256)) throw invalid(file, 'sha256', '64 lowercase hex digits', m.sha256);
  if (m.timeoutMs !== undefined && (!Number.isInteger(m.timeoutMs) || (m.timeoutMs as number) <= 0)) {
    throw invalid(file, 'timeoutMs', 'a positive integer', m.timeoutMs);
  }
  if (m.description !== undefined && typeof m.description !== 'string') throw invalid(file, 'description', 'a string', m.description);
  if (m.env !== undefined) {
    const env = m.env as Record<string, unknown>;
    if (typeof env !== 'object' || env === null || Object.values(env).some((v) => typeof v !== 'string')) {
      throw invalid(file, 'env', 'an object of strings', m.env);
    }
  }
  checkStartLimit(m.startLimit, file);
  checkSandboxFields(m, file);
  const handler = m.handler as string;
  if (path.isAbsolute(handler) || handler.split('/').includes('..')) {
    throw invalid(file, 'handler', 'a path inside the package', handler);
  }
  return m as unknown as DriverManifest;
}

function checkStartLimit(value: unknown, file: string): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(file, 'startLimit', 'an object', value);
  const limit = value as Record<string, unknown>;
  for (const [key, v] of Object.entries(limit)) {
    if (!['burst', 'intervalMs', 'cooldownMs'].includes(key)) throw invalid(file, `startLimit.${key}`, 'one of burst, intervalMs, cooldownMs', key);
    if (!Number.isInteger(v) || (v as number) <= 0) throw invalid(file, `startLimit.${key}`, 'a positive integer', v);
  }
}

/** Reads `<dir>/<name>/driver.json` fresh from disk (never more than MAX_MANIFEST_BYTES of it). */
export function readPackage(dir: string, name: string): DriverPackage {
  const manifestPath = path.join(dir, name, 'driver.json');
  const text = readCapped(manifestPath, MAX_MANIFEST_BYTES, `driver.json of driver ${name}`).toString('utf8');
  const manifest = parseManifest(text, manifestPath, name);
  const pkgDir = path.dirname(manifestPath);
  return { name, dir: pkgDir, manifestPath, manifest, handlerPath: path.join(pkgDir, manifest.handler) };
}

/** The search directory whose `<dir>/<name>/driver.json` comes first, or null: a few stats, nothing read. */
export function locatePackage(name: string, searchPath: readonly string[]): string | null {
  checkDriverName(name);
  return searchPath.find((dir) => existsSync(path.join(dir, name, 'driver.json'))) ?? null;
}

export function notFoundError(name: string, searchPath: readonly string[], loadedFrom?: string): UmdError {
  const loaded = loadedFrom ? ` (it is loaded from ${loadedFrom}, which this search path does not reach)` : '';
  return new UmdError('ENOENT', `driver ${name} not found in ${searchPath.join(':')}${loaded}`, { driver: name, topic: 'driver-not-found' });
}

/** Finds `<dir>/<name>/driver.json` in the first search directory that has it. */
export function findPackage(name: string, searchPath: readonly string[]): DriverPackage {
  const dir = locatePackage(name, searchPath);
  if (dir === null) throw notFoundError(name, searchPath);
  return readPackage(dir, name);
}

/** A package that is there but cannot be read or is invalid: `umd list` shows it with its error. */
export interface BrokenPackage {
  name: string;
  dir: string;
  error: UmdError;
}

/** Every package in the search path, first one of each name wins; broken ones are reported, not thrown. */
export function listPackages(searchPath: readonly string[]): Array<DriverPackage | BrokenPackage> {
  const seen = new Map<string, DriverPackage | BrokenPackage>();
  for (const dir of searchPath) {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const name of entries) {
      if (seen.has(name) || !NAME.test(name) || !existsSync(path.join(dir, name, 'driver.json'))) continue;
      try {
        seen.set(name, readPackage(dir, name));
      } catch (error) {
        seen.set(name, { name, dir: path.join(dir, name), error: toUmdError(error, 'EINVAL', `bad driver package ${path.join(dir, name)}`) });
      }
    }
  }
  return [...seen.values()];
}
