import test from 'ava';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cliEnv, umd } from '../helpers/cli.js';
import { tempDir } from '../helpers/runtime.js';

// Issue 12, points 1, 6 and 18: runtime dirs that cannot be, said before any daemon starts.

test('a runtime dir that cannot be created (under /proc) fails at once with its reason', async (t) => {
  const { env } = cliEnv(t);
  const run = await umd({ ...env, UMD_RUNTIME_DIR: '/proc/nope/deeper' }, ['list']);
  t.deepEqual(run, {
    code: 1,
    stdout: '',
    stderr:
      'umd: cannot create umd runtime directory /proc/nope/deeper: ENOENT (no such file or directory)\n' +
      'umd: hint: Point UMD_RUNTIME_DIR (or --runtime-dir) at a directory you can create, e.g. export UMD_RUNTIME_DIR=$HOME/.umd\n',
  });
  const json = await umd({ ...env, UMD_RUNTIME_DIR: '/proc/nope' }, ['send', 'sample', '1', '--json']);
  t.is(json.code, 1);
  t.is((JSON.parse(json.stdout) as { error: { code: string } }).error.code, 'ENOENT');
});

test('a runtime dir that is a file, or under one, is ENOTDIR with a hint', async (t) => {
  const { env } = cliEnv(t);
  const file = path.join(tempDir(t), 'file');
  writeFileSync(file, 'x');
  for (const dir of [file, path.join(file, 'sub')]) {
    const run = await umd({ ...env, UMD_RUNTIME_DIR: dir }, ['list', '--json']);
    t.is(run.code, 1, dir);
    t.deepEqual(JSON.parse(run.stdout), {
      error: {
        code: 'ENOTDIR',
        message: `umd runtime directory ${dir}: ${file} is not a directory`,
        suggestions: [`Point UMD_RUNTIME_DIR (or --runtime-dir) at a directory, or remove the file ${file}`],
      },
    });
  }
  t.is(readFileSync(file, 'utf8'), 'x');
});

test('a runtime dir too deep for a socket address is refused before a daemon is started', async (t) => {
  const { env } = cliEnv(t);
  const deep = path.join(tempDir(t), 'd'.repeat(100));
  const run = await umd({ ...env, UMD_RUNTIME_DIR: deep }, ['list']);
  t.is(run.code, 1);
  const bytes = Buffer.byteLength(path.join(deep, 'umd.sock'));
  t.is(run.stderr.split('\n')[0], `umd: umd runtime directory ${deep} is too deep: its socket path is ${bytes} bytes, a Unix socket takes at most 107`);
  t.regex(run.stderr.split('\n')[1] ?? '', /^umd: hint: Use a shorter directory: export UMD_RUNTIME_DIR=/);
  t.false(existsSync(deep));
});

test('a regular file at umd.sock is never deleted: the command refuses and says so', async (t) => {
  const { env, runtimeDir } = cliEnv(t);
  mkdirSync(runtimeDir, { mode: 0o700 });
  const socket = path.join(runtimeDir, 'umd.sock');
  writeFileSync(socket, 'precious');
  const run = await umd(env, ['send', 'sample', '1']);
  t.deepEqual(run, {
    code: 1,
    stdout: '',
    stderr:
      `umd: ${socket} is not a socket, so umd will not remove it to start a daemon there\n` +
      `umd: hint: Look at it, move it away (mv ${socket} ${socket}.old) and run the command again\n` +
      'umd: hint: Or use another runtime dir: --runtime-dir DIR or UMD_RUNTIME_DIR\n',
  });
  t.is(readFileSync(socket, 'utf8'), 'precious');
});
