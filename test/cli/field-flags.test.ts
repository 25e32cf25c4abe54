import test from 'ava';
import { splitFieldFlags } from '../../src/cli/field-flags.js';
import { UmdError } from '../../src/core/errors.js';
import { cliEnv, umd } from '../helpers/cli.js';

const known = new Set(['json', 'stdin', 'timeout', 'runtime-dir']);

test('flags the command does not define become typed fields; its own flags stay', (t) => {
  const argv = ['bpfilter', '--cmd', '64', '--len=0', '--set', '--timeout', '500', '--addr', '18446744073709551615', '--json', '--tag', 'x y'];
  t.deepEqual(splitFieldFlags(argv, known), {
    rest: ['bpfilter', '--timeout', '500', '--json'],
    fields: { cmd: 64, len: 0, set: true, addr: '18446744073709551615', tag: 'x y' },
  });
});

test('a field takes the next token unless it is a flag; true/false are booleans; -1 is a value', (t) => {
  t.deepEqual(splitFieldFlags(['d', '--set', '--cmd', '-1', '--ok', 'false', '--last'], known).fields, { set: true, cmd: -1, ok: false, last: true });
  t.deepEqual(splitFieldFlags(['d', '--', '--cmd', '1'], known), { rest: ['d', '--', '--cmd', '1'], fields: {} });
  t.deepEqual(splitFieldFlags(['d', '42', '-x'], known), { rest: ['d', '42', '-x'], fields: {} });
});

test('a field given twice is EINVAL', (t) => {
  const error = t.throws(() => splitFieldFlags(['d', '--cmd', '1', '--cmd=2'], known), { instanceOf: UmdError });
  t.is(error?.code, 'EINVAL');
  t.is(error?.message, 'expected each field once, got --cmd twice');
});

test('umd send bpfilter takes its request as flags or as JSON, and prints the status in its words', async (t) => {
  const { env } = cliEnv(t);
  t.deepEqual(await umd(env, ['send', 'bpfilter', '--cmd', '64', '--len', '0']), {
    code: 0,
    stdout: 'umd: bpfilter: status 0 (loaded on demand)\n',
    stderr: '',
  });
  t.deepEqual(await umd(env, ['send', 'bpfilter', '--cmd', '64', '--set']), { code: 0, stdout: 'umd: bpfilter: status -1 (EPERM)\n', stderr: '' });
  t.deepEqual(await umd(env, ['send', 'bpfilter', '{"cmd":99}']), { code: 0, stdout: 'umd: bpfilter: status -92 (ENOPROTOOPT)\n', stderr: '' });
  const json = await umd(env, ['send', 'bpfilter', '--cmd', '65', '--json']);
  t.like(JSON.parse(json.stdout), { driver: 'bpfilter', result: { status: 0, errno: null }, summary: 'status 0' });
  t.deepEqual(await umd(env, ['send', 'bpfilter', '--cmd', '64', '--sett']), {
    code: 2,
    stdout: '',
    stderr:
      'umd: send: unknown flag --sett for driver bpfilter\n' +
      'umd: hint: did you mean --set?\n' +
      'umd: hint: driver bpfilter takes the field flags --cmd, --len, --set, --addr\n' +
      'umd: hint: see `umd send --help`\n',
  });
  const twice = await umd(env, ['send', 'bpfilter', '{"cmd":64}', '--cmd', '64']);
  t.is(twice.code, 2);
  t.is(twice.stderr.split('\n')[0], 'umd: send to bpfilter: expected the input once (an argument, --stdin, or field flags), got 2');
});
