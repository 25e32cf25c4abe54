import type { ExecutionContext } from 'ava';
import { defaultLauncher } from '../../src/core/context.js';
import type { LogEntry } from '../../src/core/log.js';
import { cgroupSupport } from '../../src/sandbox/cgroup.js';
import { probeSandbox } from '../../src/sandbox/probe.js';
import { planSandbox, type Protection } from '../../src/sandbox/plan.js';
import { eventually } from '../helpers/runtime.js';

/** What this system grants handlers, asked the way the daemon asks. */
export const probe = await probeSandbox(defaultLauncher('/'));

/** The sandbox a driver with no sandbox fields gets here. */
export const defaultPlan = planSandbox({
  driver: 'any',
  manifest: { name: 'any', handler: 'any', sha256: '0'.repeat(64), manager: 'sample' },
  launch: {},
  probe,
  cgroups: cgroupSupport(probe.uid),
});

/** Does the default sandbox have `protection` on this system? */
export function has(protection: Protection): boolean {
  return !defaultPlan.missing.some((m) => m.protection === protection);
}

export const root = probe.uid === 0;

/** Waits for the log line `message` from `source` (stderr lines arrive on their own pipe). */
export async function logged(t: ExecutionContext, logs: LogEntry[], source: string, message: string): Promise<void> {
  // A bound for a loaded machine, not a timing assertion: the line comes or the test fails.
  const found = await eventually(() => logs.some((e) => e.source === source && e.message === message), 30_000);
  t.true(found, `no log line ${JSON.stringify(message)} from ${source}; got:\n${logs.map((e) => `${e.source}: ${e.message}`).join('\n')}`);
}

/**
 * The name the log gives a driver's handler, from its "Loaded <name> pid N"
 * line: the manager's handler name, or (where the daemon names handlers by
 * their blob) the blob's file name.
 */
export function handlerSource(logs: LogEntry[], pid: number): string {
  const loaded = logs.find((e) => e.source === 'umd' && e.message.endsWith(` pid ${pid}`) && e.message.startsWith('Loaded '));
  return loaded?.message.slice('Loaded '.length, -` pid ${pid}`.length) ?? 'unknown';
}

/** The `status: ...` lines a sandbox_status handler reported about itself, without the prefix. */
export function statusLines(logs: LogEntry[]): string[] {
  return logs.filter((e) => e.source === 'sandbox_status' && e.message.startsWith('status: ')).map((e) => e.message.slice('status: '.length));
}
