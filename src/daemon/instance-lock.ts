import { createHash } from 'node:crypto';
import net from 'node:net';
import { UmdError } from '../core/errors.js';

/**
 * Makes sure one daemon serves a runtime directory: the daemon binds an
 * abstract Unix socket named after the directory. The kernel releases the
 * name when the process dies, however it dies, so a lock is never stale,
 * and binding is atomic, so two daemons started at once cannot both win.
 */
export async function acquireInstanceLock(runtimeDir: string): Promise<net.Server> {
  const name = `\0umd-daemon-${createHash('sha256').update(runtimeDir).digest('hex').slice(0, 40)}`;
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(new UmdError('EEXIST', `a umd daemon already serves ${runtimeDir}`, { cause: error }));
      } else {
        reject(new UmdError('EIO', `cannot take the daemon lock for ${runtimeDir}: ${error.message}`, { cause: error }));
      }
    });
    server.listen({ path: name }, resolve);
  });
  return server;
}
