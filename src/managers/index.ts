import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sha256 } from '../core/blob.js';
import { importFile } from '../core/embedded.js';
import { toUmdError, UmdError } from '../core/errors.js';
import type { DriverPackage } from '../core/package.js';
import { resolveInsidePackage } from '../core/package-files.js';
import { bpfilterManager } from './bpfilter.js';
import { pgpManager } from './pgp.js';
import { sampleManager } from './sample.js';
import type { AnyManagerHooks } from './types.js';

/** The managers built into umd, by the name a driver.json gives in "manager". */
export const BUILTIN_MANAGERS: ReadonlyMap<string, AnyManagerHooks> = new Map<string, AnyManagerHooks>([
  ['sample', sampleManager],
  ['bpfilter', bpfilterManager],
  ['pgp', pgpManager],
]);

function checkHooks(hooks: unknown, where: string): AnyManagerHooks {
  const h = hooks as Partial<AnyManagerHooks> | undefined;
  const problems: string[] = [];
  if (typeof h !== 'object' || h === null) problems.push('no default export object');
  else {
    if (typeof h.name !== 'string') problems.push('"name" (string)');
    if (typeof h.handlerName !== 'string') problems.push('"handlerName" (string)');
    for (const size of ['requestSize', 'replySize'] as const) {
      if (!Number.isInteger(h[size]) || (h[size] as number) <= 0) problems.push(`"${size}" (positive integer)`);
    }
    for (const fn of ['parseInput', 'encode', 'checkReply'] as const) {
      if (typeof h[fn] !== 'function') problems.push(`"${fn}" (function)`);
    }
    if (h.fields !== undefined && (!Array.isArray(h.fields) || h.fields.some((f) => typeof f !== 'string'))) problems.push('"fields" (array of strings, or absent)');
    for (const fn of ['postStart', 'formatResult'] as const) {
      if (h[fn] !== undefined && typeof h[fn] !== 'function') problems.push(`"${fn}" (function, or absent)`);
    }
  }
  if (problems.length > 0) {
    throw new UmdError('EINVAL', `manager module ${where} is missing ${problems.join(', ')}`, {
      suggestions: ['See drivers/README.md for the manager hooks'],
    });
  }
  return h as AnyManagerHooks;
}

/**
 * The manager module's real path, resolved (symlinks too) and checked before
 * anything is imported: "../evil.mjs" or /tmp/x.mjs is refused, and so is
 * TypeScript, which Node 20 cannot import.
 */
function managerModule(pkg: DriverPackage): string {
  const name = pkg.manifest.manager;
  if (/\.[mc]?ts$/.test(name)) {
    throw new UmdError('ENOTSUP', `driver ${pkg.name}: manager module ${name} is TypeScript, which umd cannot import`, {
      suggestions: [`Compile it to an ES module and name that in driver.json: tsc --module nodenext --target es2022 ${name}, then "manager": "${name.replace(/\.[mc]?ts$/, '.mjs')}" (see drivers/README.md, "Types for a manager")`],
    });
  }
  return resolveInsidePackage(pkg.dir, path.resolve(pkg.dir, name), `manager module of driver ${pkg.name}`);
}

/** Which manager a package gets, as a string that changes when its module's bytes change. */
export function managerStamp(pkg: DriverPackage): string {
  if (BUILTIN_MANAGERS.has(pkg.manifest.manager)) return `builtin:${pkg.manifest.manager}`;
  try {
    const file = managerModule(pkg);
    return `${file}:${sha256(readFileSync(file))}`;
  } catch {
    return `broken:${pkg.manifest.manager}`;
  }
}

/** Resolves a package's "manager": a built-in name, or an ES module inside the package. */
export async function resolveManager(pkg: DriverPackage): Promise<AnyManagerHooks> {
  const name = pkg.manifest.manager;
  const builtin = BUILTIN_MANAGERS.get(name);
  if (builtin) return builtin;
  if (!name.includes('/') && !name.includes('.')) {
    throw new UmdError('ENOENT', `driver ${pkg.name}: no built-in manager "${name}" (known: ${[...BUILTIN_MANAGERS.keys()].join(', ')})`, {
      suggestions: ['Name a built-in manager, or a module path such as "./manager.mjs"'],
    });
  }
  const file = managerModule(pkg);
  let mod: { default?: unknown };
  try {
    // The URL carries the module's digest: an edited module is imported afresh (Node caches modules by URL).
    mod = (await importFile(file, { sha256: sha256(readFileSync(file)) })) as { default?: unknown };
  } catch (error) {
    throw new UmdError('ENOENT', `driver ${pkg.name}: cannot import manager module ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return withDriverErrors(checkHooks(mod.default, file), pkg.name);
}

/**
 * A manager module cannot import umd's UmdError, so what its parseInput or
 * encode throws becomes one here: EINVAL, or the error code in its `code`.
 */
function withDriverErrors(hooks: AnyManagerHooks, driver: string): AnyManagerHooks {
  const wrapped = Object.create(hooks) as AnyManagerHooks;
  const guard = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      throw toUmdError(error, 'EINVAL', `driver ${driver}`);
    }
  };
  wrapped.parseInput = (input) => guard(() => hooks.parseInput(input) as unknown);
  wrapped.encode = (request) => guard(() => hooks.encode(request));
  return wrapped;
}

/** A send's result in the manager's own words (its formatResult), else as JSON. */
export function describeResult(hooks: AnyManagerHooks, result: unknown): string {
  try {
    if (hooks.formatResult) return String(hooks.formatResult(result));
  } catch {
    // A broken formatResult must not turn an answered request into a failure.
  }
  return JSON.stringify(result) ?? 'no result';
}
