import type net from 'node:net';
import { UmdError } from '../core/errors.js';
import { LineRateLimit } from '../core/line-rate-limit.js';
import { serveConnection, type ConnectionWatch, type SharedContext } from './connection.js';
import type { ControlLimits } from './limits.js';

/**
 * The daemon's client connections, held to the control socket's limits:
 * at most `maxConnections` (the longest-idle one makes room for a new one;
 * when none is idle, the new one gets EMFILE), and those that idle, stall
 * or leave a frame half-written are closed by `sweep`. Every refusal and
 * every close is logged, rate-limited so a flood of them cannot flood the log.
 */
export class ClientSet {
  readonly #limits: ControlLimits;
  readonly #warn: (message: string) => void;
  readonly #watches = new Map<net.Socket, ConnectionWatch>();
  readonly #refused: LineRateLimit;
  readonly #dropped: LineRateLimit;

  constructor(limits: ControlLimits, warn: (message: string) => void) {
    this.#limits = limits;
    this.#warn = warn;
    this.#refused = new LineRateLimit((count) => warn(`refused ${count} more connections: ${this.#full()}`), { burst: 1, intervalMs: 10_000 });
    this.#dropped = new LineRateLimit((count) => warn(`closed ${count} more client connections (see the lines before)`), { burst: 20, intervalMs: 10_000 });
  }

  #full(): string {
    return `the daemon serves ${this.#limits.maxConnections} busy connections, its limit`;
  }

  /** The connection idle the longest, if any is idle. */
  #longestIdle(): net.Socket | null {
    let oldest: { socket: net.Socket; since: number } | null = null;
    for (const [socket, watch] of this.#watches) {
      const since = watch.idleSince();
      if (since !== null && (oldest === null || since < oldest.since)) oldest = { socket, since };
    }
    return oldest?.socket ?? null;
  }

  accept(socket: net.Socket, shared: SharedContext): void {
    if (this.#watches.size >= this.#limits.maxConnections) {
      const idle = this.#longestIdle();
      if (idle) this.drop(idle, `the daemon serves ${this.#limits.maxConnections} connections, its limit, and this one was idle the longest`);
    }
    if (this.#watches.size >= this.#limits.maxConnections) {
      const error = new UmdError('EMFILE', `the umd daemon serves ${this.#limits.maxConnections} busy connections, its limit; try again later`, {
        topic: 'connections',
      });
      socket.on('error', () => undefined);
      socket.end(`${JSON.stringify({ id: 0, ok: false, error: error.toJSON() })}\n`);
      if (this.#refused.allow()) this.#warn(`refused a connection: ${this.#full()}`);
      return;
    }
    this.#watches.set(socket, serveConnection(socket, shared, this.#limits, (why) => this.drop(socket, why)));
    socket.once('close', () => this.#watches.delete(socket));
  }

  drop(socket: net.Socket, why: string): void {
    this.#watches.delete(socket);
    if (socket.destroyed) return;
    if (this.#dropped.allow()) this.#warn(`closed a client connection: ${why}`);
    socket.destroy();
  }

  /** Closes the connections that idle, stall or leave a frame half-written past their limits. */
  sweep(now = Date.now()): void {
    for (const [socket, watch] of this.#watches) {
      const why = watch.overdue(now);
      if (why) this.drop(socket, why);
    }
  }

  destroyAll(): void {
    for (const socket of this.#watches.keys()) socket.destroy();
  }
}
