import test from 'ava';
import { UmdError } from '../../src/core/errors.js';
import { BashRandom } from '../../src/selftest/bash-random.js';
import { runSelftest, SELFTEST_WINDOW, type SelftestTarget } from '../../src/selftest/run.js';

type Event = { what: 'start' | 'end'; offset: number } | { what: 'unload' };

/** A target that answers each send on a later tick and records what it was asked, in order. */
function recordingTarget(failAt?: number): { target: SelftestTarget; events: Event[] } {
  const events: Event[] = [];
  let sends = 0;
  let loaded = true;
  const target: SelftestTarget = {
    load: async () => undefined,
    send: async (_driver, input) => {
      const offset = Number(input);
      const index = sends++;
      events.push({ what: 'start', offset });
      await new Promise((resolve) => setImmediate(resolve));
      events.push({ what: 'end', offset });
      if (index === failAt) throw new UmdError('EINVAL', 'wrong reply');
      const loadedOnDemand = !loaded;
      loaded = true;
      return { loadedOnDemand };
    },
    unload: async () => {
      events.push({ what: 'unload' });
      loaded = false;
    },
  };
  return { target, events };
}

function offsets(seed: number, count: number): number[] {
  const random = new BashRandom(seed);
  return Array.from({ length: count }, () => (random.next() % 128) * 1024);
}

test('selftest sends overlap by the window, but an unload waits for every send before it and comes before every send after it', async (t) => {
  const { target, events } = recordingTarget();
  const result = await runSelftest(target, { driver: 'sample', iterations: 23, unloadEvery: 5, seed: 42 });
  t.like(result, { result: 'pass', completed: 23, unloads: 5, reloads: 5, failures: 0 });
  t.deepEqual(events.filter((e) => e.what === 'start').map((e) => (e as { offset: number }).offset), offsets(42, 23));
  let inFlight = 0;
  let maxInFlight = 0;
  let sendsBefore = 0;
  for (const event of events) {
    if (event.what === 'start') inFlight++;
    if (event.what === 'end') sendsBefore++;
    if (event.what === 'end') inFlight--;
    if (event.what === 'unload') {
      t.is(inFlight, 0);
      t.is((sendsBefore - 1) % 5, 0, 'after iteration i with i % 5 == 0');
    }
    maxInFlight = Math.max(maxInFlight, inFlight);
  }
  t.is(maxInFlight, SELFTEST_WINDOW);
});

test('the first send that fails ends the selftest at its iteration; no send is started after the window', async (t) => {
  const { target, events } = recordingTarget(7);
  const result = await runSelftest(target, { driver: 'sample', iterations: 500, unloadEvery: 50, seed: 3 });
  t.like(result, { result: 'fail', completed: 7, failures: 1, error: { code: 'EINVAL', iteration: 7, offset: offsets(3, 8)[7] } });
  t.is(events.filter((e) => e.what === 'start').length, 7 + SELFTEST_WINDOW);
  t.is(events.filter((e) => e.what === 'end').length, 7 + SELFTEST_WINDOW, 'the sends already made were answered before it returned');
});

test('a send that throws instead of rejecting (a library target that is not async) fails the selftest at its iteration, as before the window', async (t) => {
  let sends = 0;
  const target: SelftestTarget = {
    load: async () => undefined,
    send: (_driver, input) => {
      if (sends++ === 3) throw new UmdError('EINVAL', `cannot send ${input}`);
      return Promise.resolve({ loadedOnDemand: false });
    },
    unload: async () => undefined,
  };
  const result = await runSelftest(target, { driver: 'sample', iterations: 20, unloadEvery: 50, seed: 9 });
  t.like(result, { result: 'fail', completed: 3, failures: 1, error: { code: 'EINVAL', iteration: 3, offset: offsets(9, 4)[3] } });
});
