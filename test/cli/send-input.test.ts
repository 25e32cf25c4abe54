import test from 'ava';
import { cliEnv, umd } from '../helpers/cli.js';

// Issue 12, point 7: inputs over the limit are refused by name; quoted input in messages is cut.

test('an input over 8192 bytes, as an argument or on stdin, is EMSGSIZE naming the limit; the daemon goes on', async (t) => {
  const { env } = cliEnv(t);
  const big = '1'.repeat(70_000);
  const expected = {
    code: 1,
    stdout: '',
    stderr: 'umd: send to sample: the input is 70000 bytes, umd takes at most 8192 bytes per request\numd: hint: Send at most 8192 bytes; see `umd info sample` for the driver\'s own request size\n',
  };
  t.deepEqual(await umd(env, ['send', 'sample', big]), expected);
  t.deepEqual(await umd(env, ['send', 'sample', '--stdin'], big), expected);
  const json = await umd(env, ['send', 'sample', '--stdin', '--json'], big);
  t.like(JSON.parse(json.stdout), { error: { code: 'EMSGSIZE' } });
  t.deepEqual(await umd(env, ['send', 'sample', '5']), { code: 0, stdout: 'umd: sample: 1 byte accepted (loaded on demand)\n', stderr: '' });
});

test('an error quoting a long input cuts it and gives its size', async (t) => {
  const { env } = cliEnv(t);
  const run = await umd(env, ['send', 'sample', '--stdin'], 'x'.repeat(6000));
  t.is(run.code, 1);
  t.is(run.stderr.split('\n')[0], `umd: sample: input must be shorter than 8 bytes, got 6000 bytes ("${'x'.repeat(40)}…" (6000 bytes))`);
  const bpf = await umd(env, ['send', 'bpfilter', `{"cmd":"${'y'.repeat(5000)}"}`]);
  t.is(bpf.code, 1);
  t.true(bpf.stderr.length < 400, bpf.stderr);
});
