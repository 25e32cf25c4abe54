import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface PackageSpec {
  /** The executable to package as the handler blob (copied in). */
  handler: string;
  manager?: string;
  timeoutMs?: number;
  /** Overrides the digest written to driver.json. */
  sha256?: string;
  extra?: Record<string, unknown>;
}

/** Writes a driver package `<dir>/<name>/` (blob + driver.json) the way a driver author would. */
export function makePackage(dir: string, name: string, spec: PackageSpec): string {
  const pkgDir = path.join(dir, name);
  mkdirSync(pkgDir, { recursive: true });
  const blob = path.join(pkgDir, path.basename(spec.handler));
  copyFileSync(spec.handler, blob);
  const sha256 = spec.sha256 ?? createHash('sha256').update(readFileSync(blob)).digest('hex');
  const manifest = {
    name,
    handler: path.basename(spec.handler),
    sha256,
    manager: spec.manager ?? 'sample',
    ...(spec.timeoutMs === undefined ? {} : { timeoutMs: spec.timeoutMs }),
    ...spec.extra,
  };
  writeFileSync(path.join(pkgDir, 'driver.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return pkgDir;
}
