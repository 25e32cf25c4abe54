import test from 'ava';
import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { removeStaleGroups } from '../../src/sandbox/cgroup.js';
import { defaultPlan } from './support.js';

// The per-driver cgroups a daemon killed with SIGKILL leaves behind.

const PARENT = '/sys/fs/cgroup/pids/umd';

/** A pid no process has: above every live one, below pid_max. */
function deadPid(): number {
  for (let pid = 4_000_000; pid > 1000; pid -= 7919) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return pid;
    }
  }
  throw new Error('no free pid found');
}

(defaultPlan.enforcement.processes === 'cgroup' ? test : test.skip)('groups of a daemon that is gone are removed; those of a live one are kept', (t) => {
  const stale = path.join(PARENT, `staletest.${deadPid()}.1`);
  const live = path.join(PARENT, `livetest.${process.pid}.99`);
  mkdirSync(stale);
  mkdirSync(live);
  t.teardown(() => {
    for (const dir of [stale, live]) if (existsSync(dir)) rmdirSync(dir);
  });
  t.true(removeStaleGroups(PARENT).includes(path.basename(stale)));
  t.false(existsSync(stale));
  t.true(existsSync(live));
});
