import test from 'ava';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cliEnv, umd } from '../helpers/cli.js';
import { makePackage } from '../helpers/packages.js';
import { BIN, FIXTURES, tempDir } from '../helpers/runtime.js';

// A shell that starts umd with descriptors open and not close-on-exec (a
// directory, a writable file) hands them to the CLI, the daemon it starts
// and, unless umd-exec closes them, every handler: through the private root.
test('descriptors left open by whoever started umd never reach a handler', async (t) => {
  const drivers = path.join(tempDir(t), 'drivers');
  makePackage(drivers, 'fds', { handler: path.join(FIXTURES, 'escape_fds') });
  const { env } = cliEnv(t, drivers);
  const victim = path.join(tempDir(t), 'victim.log');
  writeFileSync(victim, 'untouched\n', { mode: 0o600 });
  const shell = spawn('bash', ['-c', `exec 100</etc 101<>"$VICTIM"; exec "$NODE" "$BIN" load fds`], {
    env: { ...process.env, ...env, VICTIM: victim, NODE: process.execPath, BIN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  shell.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  t.is(await new Promise<number | null>((resolve) => shell.on('close', resolve)), 0, stderr);
  t.is((await umd(env, ['send', 'fds', '3'])).stdout, 'umd: fds: 1 byte accepted\n');
  const log = (await umd(env, ['log', '--driver', 'fds'])).stdout;
  t.regex(log, / fds\/escape_fds: inherited descriptors: 0 \(first -1\)\n/, log);
  t.is(readFileSync(victim, 'utf8'), 'untouched\n');
});
