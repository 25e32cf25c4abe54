import type { ExecutionContext } from 'ava';
import path from 'node:path';
import type { LogEntry } from '../../src/core/log.js';
import { createContext } from '../../src/core/context.js';
import { DriverManager, type ManagerOptions } from '../../src/core/manager.js';
import { findPackage } from '../../src/core/package.js';
import { resolveManager } from '../../src/managers/index.js';
import { makePackage, type PackageSpec } from './packages.js';
import { assertNoStrayProcesses, tempDir } from './runtime.js';

export interface ManagerFixture {
  manager: DriverManager;
  logs: LogEntry[];
  dir: string;
  blobsDir: string;
}

/**
 * A DriverManager over a package made in a fresh directory, with no daemon:
 * the library on its own. At teardown it is closed and the test fails if
 * any process started from its blob copies is still alive.
 */
export async function makeManager(
  t: ExecutionContext,
  name: string,
  spec: PackageSpec,
  options: Partial<ManagerOptions> = {},
): Promise<ManagerFixture> {
  const dir = tempDir(t);
  makePackage(path.join(dir, 'drivers'), name, spec);
  const pkg = findPackage(name, [path.join(dir, 'drivers')]);
  const logs: LogEntry[] = [];
  const blobsDir = path.join(dir, 'blobs');
  const manager = new DriverManager(pkg, await resolveManager(pkg), {
    context: createContext({ runtimeDir: dir }),
    log: (entry) => logs.push({ time: Date.now(), ...entry }),
    ...options,
  });
  t.teardown(async () => {
    await manager.close();
    await assertNoStrayProcesses(dir);
  });
  return { manager, logs, dir, blobsDir };
}
