import test from 'ava';
import { execFileSync } from 'node:child_process';
import { BashRandom } from '../../src/selftest/bash-random.js';

const matchesBash = test.macro({
  exec(t, seed: number) {
    const script = `RANDOM=${seed}; for i in $(seq 1 200); do echo $RANDOM; done`;
    const expected = execFileSync('bash', ['-c', script], { encoding: 'utf8' }).trim().split('\n').map(Number);
    const random = new BashRandom(seed);
    t.deepEqual(Array.from({ length: 200 }, () => random.next()), expected);
  },
  title: (_given, seed: number) => `BashRandom seeded ${seed} draws what bash's $RANDOM draws after RANDOM=${seed}`,
});

for (const seed of [0, 1, 42, 12345, 2 ** 31 - 1, 2 ** 32 - 1]) test(matchesBash, seed);
