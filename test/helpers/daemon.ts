import type { ExecutionContext } from 'ava';
import path from 'node:path';
import { DaemonConnection } from '../../src/client/connection.js';
import { builtinDriversDir } from '../../src/core/context.js';
import { Daemon, type DaemonOptions } from '../../src/daemon/server.js';
import { assertNoStrayProcesses, tempDir } from './runtime.js';

export interface DaemonFixture {
  daemon: Daemon;
  client: DaemonConnection;
  runtimeDir: string;
  dir: string;
  connect: () => Promise<DaemonConnection>;
}

/**
 * A real daemon on a real socket in a fresh runtime dir, in this process,
 * plus one client connection. Shut down at teardown; the test fails if any
 * handler survives it.
 */
export async function startDaemon(t: ExecutionContext, driverDirs: string[] = [], options: Omit<DaemonOptions, 'runtimeDir'> = {}): Promise<DaemonFixture> {
  const dir = tempDir(t);
  const runtimeDir = path.join(dir, 'run');
  const daemon = await Daemon.start({ runtimeDir, searchPath: [...driverDirs, builtinDriversDir(runtimeDir)], ...options });
  const connections: DaemonConnection[] = [];
  const connect = async () => {
    const connection = await DaemonConnection.connect(daemon.paths.socket);
    connections.push(connection);
    return connection;
  };
  const client = await connect();
  t.teardown(async () => {
    for (const connection of connections) connection.close();
    await daemon.shutdown('test over');
    await assertNoStrayProcesses(dir);
  });
  return { daemon, client, runtimeDir, dir, connect };
}
