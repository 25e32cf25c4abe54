import test from 'ava';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LogEntry } from '../../src/core/log.js';
import { createContext } from '../../src/core/context.js';
import { DriverManager } from '../../src/core/manager.js';
import { findPackage } from '../../src/core/package.js';
import { UmdError } from '../../src/core/errors.js';
import { resolveManager } from '../../src/managers/index.js';
import type { AnyManagerHooks } from '../../src/managers/types.js';
import { makePackage } from '../helpers/packages.js';
import { assertNoStrayProcesses, FIXTURES, tempDir } from '../helpers/runtime.js';

// The driver's one deadline timer is shared by every exchange of the driver.
// A post_start hook that outlived its own deadline (third-party code) and
// then calls `send` must not touch the deadline of a later request.
test('a post_start hook that sends after its deadline does not cancel the deadline of a later request', async (t) => {
  const dir = tempDir(t);
  makePackage(path.join(dir, 'drivers'), 'hang', { handler: path.join(FIXTURES, 'hang_after_first') });
  const pkg = findPackage('hang', [path.join(dir, 'drivers')]);
  const base = await resolveManager(pkg);
  let openGate: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  let staleSent: (outcome: string) => void = () => undefined;
  const stale = new Promise<string>((resolve) => (staleSent = resolve));
  let starts = 0;
  const request = base.encode(base.parseInput('0'));
  const hooks = {
    ...base,
    async postStart(send: (request: Buffer) => Promise<Buffer>) {
      if (++starts === 1) {
        // Stalls past post_start's deadline, then sends on the handler that was shut down.
        await gate;
        await send(request).then(
          () => staleSent('answered'),
          (error: unknown) => staleSent(`failed: ${(error as Error).message}`),
        );
        return;
      }
      await base.postStart?.(send);
    },
  } as AnyManagerHooks;
  const logs: LogEntry[] = [];
  const manager = new DriverManager(pkg, hooks, {
    context: createContext({ runtimeDir: dir }),
    log: (entry) => logs.push({ time: Date.now(), ...entry }),
    timeoutMs: 200,
    killGraceMs: 100,
  });
  t.teardown(async () => {
    openGate();
    await manager.close();
    await assertNoStrayProcesses(dir);
  });

  const first = await t.throwsAsync(manager.load(), { instanceOf: UmdError });
  t.is(first?.code, 'ETIMEDOUT');
  await manager.load(); // post_start answered: hang_after_first now hangs on the next request

  const pending = manager.send('0', { timeoutMs: 1000 }).then(
    () => 'answered',
    (error: unknown) => (error instanceof UmdError ? error.code : String(error)),
  );
  openGate();
  t.regex(await stale, /^failed/);
  // The hung handler must get ETIMEDOUT (1 s); 30 s is a bound for a loaded machine, not a timing assertion.
  const outcome = await Promise.race([pending, sleep(30_000).then(() => 'still waiting after 30 s: the deadline was lost')]);
  t.is(outcome, 'ETIMEDOUT');
});
