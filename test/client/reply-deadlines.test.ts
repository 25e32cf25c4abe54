import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { ReplyDeadlines } from '../../src/client/reply-deadlines.js';

test('reply deadlines on one timer expire each unsettled request once, the sooner first, whatever order they were added in', async (t) => {
  const deadlines = new ReplyDeadlines();
  const expired: number[] = [];
  deadlines.add(1, 60, () => expired.push(1));
  deadlines.add(2, 10, () => expired.push(2));
  deadlines.add(3, 30, () => expired.push(3));
  deadlines.settle(3);
  await sleep(150);
  t.deepEqual(expired, [2, 1]);
  deadlines.clear();
});

test('cleared reply deadlines never expire', async (t) => {
  const deadlines = new ReplyDeadlines();
  deadlines.add(1, 5, () => t.fail('a cleared deadline expired'));
  deadlines.clear();
  await sleep(30);
  t.pass();
});
