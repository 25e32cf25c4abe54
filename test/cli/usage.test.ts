import test from 'ava';
import { cliEnv, umd } from '../helpers/cli.js';

// Issue 12, points 10-13: one error format, help and version, exit 2 for every usage error, field flags only where declared.

test('an unknown command is a usage error with "did you mean", exit 2; {"error"} on stdout with --json', async (t) => {
  const { env } = cliEnv(t);
  t.deepEqual(await umd(env, ['lsit']), {
    code: 2,
    stdout: '',
    stderr: 'umd: unknown command `umd lsit`\numd: hint: did you mean `umd list`?\numd: hint: see `umd help` for every command\n',
  });
  const json = await umd(env, ['lsit', '--json']);
  t.is(json.code, 2);
  t.deepEqual(JSON.parse(json.stdout), {
    error: { code: 'EUSAGE', message: 'unknown command `umd lsit`', suggestions: ['did you mean `umd list`?', 'see `umd help` for every command'] },
  });
  t.deepEqual(await umd(env, ['daemon', 'bogus']), {
    code: 2,
    stdout: '',
    stderr: 'umd: unknown command `umd daemon bogus`\numd: hint: the daemon commands are: run, start, status, stop\numd: hint: see `umd help daemon` for every command\n',
  });
  t.deepEqual(await umd(env, ['daemon', 'stat']), {
    code: 2,
    stdout: '',
    stderr: 'umd: unknown command `umd daemon stat`\numd: hint: did you mean `umd daemon status`?\numd: hint: see `umd help daemon` for every command\n',
  });
});

test('-v, --version and version print the version; help, help send, -h and list -h print help', async (t) => {
  const { env } = cliEnv(t);
  const version = /^umd\/\d+\.\d+\.\d+ linux-\w+ node-v\d+\.\d+\.\d+\n$/;
  for (const args of [['-v'], ['--version'], ['version']]) {
    const run = await umd(env, args);
    t.is(run.code, 0, args.join(' '));
    t.regex(run.stdout, version);
    t.is(run.stderr, '');
  }
  t.like(JSON.parse((await umd(env, ['version', '--json'])).stdout), { node: process.version, platform: 'linux' });
  const top = await umd(env, ['help']);
  t.is(top.code, 0);
  t.regex(top.stdout, /^User-mode driver manager/);
  t.regex(top.stdout, /\n {2}restart +Restart a driver/);
  t.deepEqual(await umd(env, ['-h']), top);
  const send = await umd(env, ['help', 'send']);
  t.is(send.code, 0);
  t.regex(send.stdout, /^Send one request to a driver's handler and check the reply\.\n\nUSAGE\n {2}\$ umd send DRIVER \[INPUT\]/);
  t.deepEqual(await umd(env, ['send', '--help']), send);
  const list = await umd(env, ['list', '-h']);
  t.is(list.code, 0);
  t.regex(list.stdout, /^List every known driver/);
  t.regex(list.stdout, /\n {2}\$ umd list --json\n/);
  t.deepEqual(await umd(env, ['help', 'nosuch']), {
    code: 2,
    stdout: '',
    stderr: 'umd: unknown command `umd nosuch`\numd: hint: see `umd help` for every command\n',
  });
});

test('usage errors exit 2: missing input, a bad driver name, a bound passed, an empty --runtime-dir', async (t) => {
  const { env } = cliEnv(t);
  const none = await umd(env, ['send', 'sample']);
  t.is(none.code, 2);
  t.is(none.stderr.split('\n')[0], 'umd: send to sample: expected the input once (an argument, --stdin, or field flags), got none');
  t.deepEqual(await umd(env, ['load', '../etc']), {
    code: 2,
    stdout: '',
    stderr: 'umd: invalid driver name: expected letters, digits, \'_\', \'-\' or \'.\', got "../etc"\numd: hint: Driver names are like sample or bpfilter; see `umd list`\n',
  });
  const fast = await umd(env, ['send', '../x', '1']);
  t.is(fast.code, 2);
  t.is(fast.stderr.split('\n')[0], 'umd: invalid driver name: expected letters, digits, \'_\', \'-\' or \'.\', got "../x"');
  t.deepEqual(await umd(env, ['log', '-n', '0']), {
    code: 2,
    stdout: '',
    stderr: 'umd: log: parsing --lines: Expected an integer greater than or equal to 1 but received: 0\numd: hint: see `umd log --help`\n',
  });
  t.regex((await umd(env, ['log', '--help'])).stdout, /How many recent lines to show, from 1 to\s+100000/);
  const empty = await umd(env, ['list', '--runtime-dir', '']);
  t.is(empty.code, 2);
  t.is(empty.stderr.split('\n')[0], 'umd: --runtime-dir (or UMD_RUNTIME_DIR) is empty');
  const json = await umd(env, ['send', 'sample', '--json']);
  t.is(json.code, 2);
  t.is((JSON.parse(json.stdout) as { error: { code: string } }).error.code, 'EUSAGE');
});

test('every duration flag is bounded: past one hour is a usage error, never a timer overflow', async (t) => {
  const { env } = cliEnv(t);
  for (const value of ['2147483647', '3600001', '99999999999999']) {
    const run = await umd(env, ['send', 'sample', '5', '--timeout', value]);
    t.is(run.code, 2, value);
    t.is(run.stderr, `umd: send: parsing --timeout: Expected an integer less than or equal to 3600000 but received: ${value}\numd: hint: see \`umd send --help\`\n`);
  }
  t.regex((await umd(env, ['send', '--help'])).stdout, /From 1 to\s+3600000 \(one hour\)/);
  t.deepEqual(await umd(env, ['send', 'sample', '5', '--timeout', '3600000']), { code: 0, stdout: 'umd: sample: 1 byte accepted (loaded on demand)\n', stderr: '' });
});

test('unknown flags on send: a typo gets "did you mean", a driver without fields takes none', async (t) => {
  const { env } = cliEnv(t);
  t.deepEqual(await umd(env, ['send', 'sample', '5', '--timout', '200']), {
    code: 2,
    stdout: '',
    stderr:
      'umd: send: unknown flag --timout for driver sample\n' +
      'umd: hint: did you mean --timeout?\n' +
      'umd: hint: driver sample takes its input as an argument or with --stdin, not as field flags\n' +
      'umd: hint: see `umd send --help`\n',
  });
  const cmd = await umd(env, ['send', 'sample', '--cmd', '1']);
  t.is(cmd.code, 2);
  t.is(cmd.stderr.split('\n')[0], 'umd: send: unknown flag --cmd for driver sample');
  const list = await umd(env, ['list', '--jsn']);
  t.deepEqual(list, { code: 2, stdout: '', stderr: 'umd: list: nonexistent flag: --jsn\numd: hint: did you mean --json?\numd: hint: see `umd list --help`\n' });
});
