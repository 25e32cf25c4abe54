import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkBlob, sha256 } from '../core/blob.js';
import { UmdError } from '../core/errors.js';
import { readPackage, type DriverPackage } from '../core/package.js';
import { MAX_MANIFEST_BYTES, readCapped, readInsidePackage } from '../core/package-files.js';
import { resolveManager } from './index.js';
import type { AnyManagerHooks } from './types.js';

/** A package as the daemon takes it before a load: driver.json read and checked, its manager resolved (imported). */
export async function openPackage(dir: string, name: string): Promise<{ pkg: DriverPackage; hooks: AnyManagerHooks }> {
  const pkg = readPackage(dir, name);
  return { pkg, hooks: await resolveManager(pkg) };
}

export interface PackageReport {
  driver: string;
  packageDir: string;
  handler: string;
  sha256: string;
  manager: string;
  managerName: string;
  /** driver.json's sha256 was (re)written. */
  written: boolean;
}

/**
 * `umd package`: checks the package at `pkgDir` exactly as a load takes it
 * (openPackage, then checkBlob: the name, every field, the manager module,
 * the blob inside the package, executable, matching its digest). Unless
 * `check`, the blob's digest is first written into driver.json.
 */
export async function validatePackage(pkgDir: string, options: { check?: boolean } = {}): Promise<PackageReport> {
  const dir = path.resolve(pkgDir);
  const name = path.basename(dir);
  const written = options.check ? false : writeDigest(dir, name);
  const { pkg, hooks } = await openPackage(path.dirname(dir), name);
  checkBlob(pkg);
  return { driver: name, packageDir: dir, handler: pkg.handlerPath, sha256: pkg.manifest.sha256, manager: pkg.manifest.manager, managerName: hooks.name, written };
}

/** Writes the blob's sha256 into driver.json, keeping every other field; true when it changed. */
function writeDigest(dir: string, name: string): boolean {
  const manifestPath = path.join(dir, 'driver.json');
  const text = readCapped(manifestPath, MAX_MANIFEST_BYTES, `driver.json of driver ${name}`).toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return false; // readPackage reports it, as a load would
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return false;
  const manifest = raw as Record<string, unknown>;
  if (typeof manifest.handler !== 'string' || manifest.handler === '') {
    throw new UmdError('EINVAL', `bad driver package ${manifestPath}: expected "handler" to be the blob's path in the package, got ${JSON.stringify(manifest.handler)}`);
  }
  const digest = sha256(readInsidePackage(dir, path.join(dir, manifest.handler), `handler blob of driver ${name}`).data);
  if (manifest.sha256 === digest) return false;
  manifest.sha256 = digest;
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return true;
}
