import { checkDriverName } from '../core/package.js';
import { notLoadedError } from '../core/manager.js';
import type { LogEntry } from '../core/log.js';
import { describeResult } from '../managers/index.js';
import type { DaemonStatus, LogParams, OpName, Ops } from '../protocol/messages.js';
import { UmdError } from '../core/errors.js';
import { optionalIntParam, optionalPathListParam, stringParam } from '../protocol/validate.js';
import type { LogRing } from './log-ring.js';
import { verifyFiles } from '../pgp/files.js';
import { verifyParams } from '../pgp/params.js';
import type { DriverRegistry } from './registry.js';

/** What an operation may use: the daemon's state and its own connection. */
export interface DispatchContext {
  registry: DriverRegistry;
  ring: LogRing;
  status(): DaemonStatus;
  /** Asks the daemon to shut down once the reply is sent. */
  requestShutdown(): void;
  /** Pushes a log event to this connection (for `log --follow`). */
  push(entry: LogEntry): void;
  /** Runs `fn` when this connection closes. */
  onClose(fn: () => void): void;
}

type Operation<K extends OpName> = (params: Ops[K]['params'], ctx: DispatchContext) => Promise<Ops[K]['result']>;
type OperationTable = { [K in OpName]: Operation<K> };

function driverParam(params: object): string {
  const name = stringParam(params, 'driver');
  checkDriverName(name);
  return name;
}

const LEVELS = ['info', 'warn', 'error'] as const;

/** Which entries `log` returns: of the driver, since a time, at a level or worse. */
function logFilter(params: LogParams, driver: string | undefined): (entry: LogEntry) => boolean {
  const since = optionalIntParam(params, 'since', Number.MAX_SAFE_INTEGER) ?? 0;
  const level = params.level ?? 'info';
  if (!LEVELS.includes(level)) throw new UmdError('EINVAL', `expected parameter "level" to be one of ${LEVELS.join(', ')}, got ${JSON.stringify(level)}`);
  const rank = LEVELS.indexOf(level);
  return (entry) => (!driver || entry.driver === driver) && entry.time >= since && LEVELS.indexOf(entry.level) >= rank;
}

/** One function per operation, looked up by name: the daemon's whole API. */
export const operations: OperationTable = {
  status: async (_params, ctx) => ctx.status(),

  load: async (params, ctx) => {
    const driver = driverParam(params);
    const manager = await ctx.registry.get(driver, optionalPathListParam(params, 'searchPath'));
    return { driver, ...(await manager.load()) };
  },

  unload: async (params, ctx) => {
    const driver = driverParam(params);
    const manager = await ctx.registry.existing(driver);
    if (!manager) throw notLoadedError(driver);
    return { driver, ...(await manager.unload()) };
  },

  restart: async (params, ctx) => {
    const driver = driverParam(params);
    const manager = await ctx.registry.get(driver, optionalPathListParam(params, 'searchPath'));
    const { oldPid, wasLoaded, pid } = await manager.restart();
    return { driver, wasLoaded, oldPid, pid };
  },

  send: async (params, ctx) => {
    const driver = driverParam(params);
    const input = stringParam(params, 'input');
    const timeoutMs = optionalIntParam(params, 'timeoutMs');
    const manager = await ctx.registry.get(driver, optionalPathListParam(params, 'searchPath'));
    const outcome = await manager.send(input, timeoutMs === undefined ? {} : { timeoutMs });
    return { driver, ...outcome, summary: describeResult(manager.hooks, outcome.result) };
  },

  list: async (params, ctx) => ctx.registry.list(optionalPathListParam(params, 'searchPath')),

  info: async (params, ctx) => {
    const driver = driverParam(params);
    return ctx.registry.info(driver, optionalPathListParam(params, 'searchPath'));
  },

  log: async (params, ctx) => {
    const lines = optionalIntParam(params, 'lines', 100_000) ?? 100;
    const driver = params.driver === undefined ? undefined : driverParam(params);
    const wanted = logFilter(params, driver);
    if (params.follow === true) {
      const unsubscribe = ctx.ring.subscribe((entry) => {
        if (wanted(entry)) ctx.push(entry);
      });
      ctx.onClose(unsubscribe);
    }
    return ctx.ring.tail(lines, driver, wanted);
  },

  verify: async (params, ctx) => {
    const request = verifyParams(params);
    const manager = await ctx.registry.get('pgp', optionalPathListParam(params, 'searchPath'));
    return verifyFiles(manager, request);
  },

  shutdown: async (_params, ctx) => {
    ctx.requestShutdown();
    return { pid: process.pid };
  },
};
