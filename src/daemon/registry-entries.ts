import { sha256 } from '../core/blob.js';
import { UmdError, toUmdError } from '../core/errors.js';
import { DEFAULT_TIMEOUT_MS, type DriverManager } from '../core/manager.js';
import type { BrokenPackage, DriverPackage } from '../core/package.js';
import { readInsidePackage } from '../core/package-files.js';
import type { InfoResult, ListEntry, SandboxInfo } from '../protocol/messages.js';

/** A loaded driver asked for from another package directory: one name, one package at a time. */
export function busyElsewhereError(name: string, loadedDir: string, requestedDir: string): UmdError {
  return new UmdError('EBUSY', `driver ${name} is loaded from ${loadedDir}, but this request's search path finds it in ${requestedDir}`, {
    suggestions: [`Unload it first to use ${requestedDir}, or use the search path (UMD_DRIVER_PATH) it was loaded with`],
  });
}

/** `umd list`'s line for a driver the daemon manages; `foundAt`: where the request's search path finds it. */
export function listEntry(manager: DriverManager, foundAt: string | null): ListEntry {
  return { ...manager.status, packageDir: manager.package.dir, foundAt, sandbox: manager.sandbox?.status ?? null };
}

/** `umd list`'s line for a package the daemon does not manage yet, or one that is broken. */
export function unloadedEntry(found: DriverPackage | BrokenPackage): ListEntry {
  const broken = 'error' in found;
  return {
    name: found.name,
    state: broken ? 'broken' : 'unloaded',
    pid: null,
    requests: 0,
    failures: 0,
    restarts: 0,
    lastError: broken ? found.error.toJSON() : null,
    packageDir: found.dir,
    foundAt: found.dir,
    sandbox: null,
  };
}

/** modinfo: what the package declares, the blob's digest on disk, and the sandbox its handlers get. */
export async function describePackage(manager: DriverManager): Promise<InfoResult> {
  const pkg = manager.package;
  let blobSha256: string | null = null;
  try {
    // Only a file inside the package is hashed: a handler linked to /etc/shadow is refused, not digested.
    blobSha256 = sha256(readInsidePackage(pkg.dir, pkg.handlerPath, `handler blob of driver ${pkg.name}`).data);
  } catch {
    blobSha256 = null;
  }
  const hooks = manager.hooks;
  return {
    driver: pkg.name,
    description: pkg.manifest.description ?? null,
    packageDir: pkg.dir,
    manifest: pkg.manifestPath,
    handler: pkg.handlerPath,
    sha256: pkg.manifest.sha256,
    blobSha256,
    manager: pkg.manifest.manager,
    managerName: hooks.name,
    handlerName: hooks.handlerName,
    loaderName: hooks.loaderName ?? null,
    fields: hooks.fields ? [...hooks.fields] : null,
    requestSize: hooks.requestSize,
    replySize: hooks.replySize,
    timeoutMs: pkg.manifest.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    env: pkg.manifest.env ?? {},
    sandbox: await sandboxInfo(manager),
    status: manager.status,
  };
}

async function sandboxInfo(manager: DriverManager): Promise<SandboxInfo> {
  try {
    return await manager.plannedSandbox();
  } catch (error) {
    return { status: 'error', error: toUmdError(error, 'EIO', `driver ${manager.name}: sandbox`).toJSON() };
  }
}
