import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeadlineTimer } from '../../src/core/deadline-timer.js';

/** Resolves with how many times `onExpire` ran once the deadline passed. */
async function expiry(timer: DeadlineTimer, ms: number): Promise<number> {
  return new Promise((resolve) => {
    let calls = 0;
    timer.arm(ms, () => {
      calls++;
      setTimeout(() => resolve(calls), ms * 2);
    });
  });
}

test('a deadline that is not disarmed calls its function once', async (t) => {
  const timer = new DeadlineTimer();
  t.is(await expiry(timer, 10), 1);
  timer.stop();
});

test('a disarmed deadline never calls its function; the next one armed on the same timer does', async (t) => {
  const timer = new DeadlineTimer();
  let early = 0;
  const token = timer.arm(5, () => early++);
  timer.disarm(token);
  await sleep(30);
  t.is(early, 0);
  t.is(await expiry(timer, 10), 1);
  timer.stop();
});

test('a shorter deadline armed after a longer one is not held back by the timer set for the longer', async (t) => {
  const timer = new DeadlineTimer();
  timer.disarm(timer.arm(3_600_000, () => t.fail('the disarmed hour-long deadline fired')));
  t.is(await expiry(timer, 10), 1);
  timer.stop();
});

test('the timer set for an earlier deadline fires before the current one is due; the current one still expires, once', async (t) => {
  const timer = new DeadlineTimer();
  timer.disarm(timer.arm(15, () => t.fail('the disarmed deadline fired')));
  await sleep(5);
  t.is(await expiry(timer, 30), 1);
  timer.stop();
});

test('a late disarm of an earlier deadline leaves the one armed since in force', async (t) => {
  const timer = new DeadlineTimer();
  const first = timer.arm(3_600_000, () => t.fail('the first deadline fired'));
  const second = expiry(timer, 20);
  timer.disarm(first);
  t.is(await second, 1);
  timer.stop();
});

test('a stopped timer calls nothing', async (t) => {
  const timer = new DeadlineTimer();
  let calls = 0;
  timer.arm(5, () => calls++);
  timer.stop();
  await sleep(30);
  t.is(calls, 0);
});

test('a deadline beyond the largest timer delay (2^31 - 1 ms) neither expires early nor spins on 1 ms timers', async (t) => {
  const timer = new DeadlineTimer();
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.name);
  process.on('warning', onWarning);
  let calls = 0;
  timer.arm(2 ** 31 + 60_000, () => calls++);
  await sleep(100);
  timer.stop();
  process.off('warning', onWarning);
  t.is(calls, 0);
  t.deepEqual(warnings.filter((name) => name === 'TimeoutOverflowWarning'), []);
});
