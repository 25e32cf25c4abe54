import test from 'ava';
import path from 'node:path';
import { COMMANDS } from '../../src/cli/commands.js';
import { BIN, ROOT, tempDir } from '../helpers/runtime.js';
import { runCommand, type CliResult } from '../helpers/cli.js';

// Issue 12, point 11: help, version and "did you mean" answer the same from bin/run.js and the single executable.

const BINARY = path.join(ROOT, 'dist/umd');

async function run(command: string[], args: string[], env: Record<string, string>): Promise<CliResult> {
  const [file = '', ...pre] = command;
  return runCommand(file, [...pre, ...args], { env });
}

const CASES: Array<{ args: string[]; code: number; out: RegExp; err: RegExp }> = [
  { args: ['-v'], code: 0, out: /^umd\/\d+\.\d+\.\d+ linux-\w+ node-v[\d.]+\n$/, err: /^$/ },
  { args: ['--version'], code: 0, out: /^umd\/\d+\.\d+\.\d+ linux-\w+ node-v[\d.]+\n$/, err: /^$/ },
  { args: ['version'], code: 0, out: /^umd\/\d+\.\d+\.\d+ linux-\w+ node-v[\d.]+\n$/, err: /^$/ },
  { args: ['help'], code: 0, out: /^User-mode driver manager.*\n[^]*\nCOMMANDS\n[^]*\n {2}send +Send one request/, err: /^$/ },
  { args: ['-h'], code: 0, out: /^User-mode driver manager.*\n[^]*\nCOMMANDS\n/, err: /^$/ },
  { args: ['help', 'send'], code: 0, out: /^Send one request to a driver's handler and check the reply\.\n\nUSAGE\n {2}\$ umd send DRIVER/, err: /^$/ },
  { args: ['list', '-h'], code: 0, out: /^List every known driver[^]*\nEXAMPLES\n {2}\$ umd list\n/, err: /^$/ },
  { args: ['lsit'], code: 2, out: /^$/, err: /^umd: unknown command `umd lsit`\numd: hint: did you mean `umd list`\?\numd: hint: see `umd help` for every command\n$/ },
  {
    args: ['daemon', 'bogus'],
    code: 2,
    out: /^$/,
    err: /^umd: unknown command `umd daemon bogus`\numd: hint: the daemon commands are: run, start, status, stop\numd: hint: see `umd help daemon` for every command\n$/,
  },
];

for (const [name, command] of [
  ['bin/run.js', [process.execPath, BIN]],
  ['dist/umd', [BINARY]],
] as const) {
  test(`${name}: -v, --version, version, help, help send, -h, list -h, lsit and daemon bogus`, async (t) => {
    const env = { UMD_RUNTIME_DIR: path.join(tempDir(t), 'run'), NO_COLOR: '1' };
    for (const c of CASES) {
      const result = await run([...command], c.args, env);
      t.is(result.code, c.code, c.args.join(' '));
      t.regex(result.stdout, c.out, c.args.join(' '));
      t.regex(result.stderr, c.err, c.args.join(' '));
    }
  });
}

// Issue 13, point 5: every command of the explicit index is reachable through each way in. `--help` would not show it (oclif
// answers help from the manifest without loading the command); an unknown flag does: the command's own class parses and
// reports it (`umd: <command>: ...`, exit 2), and nothing is started.
for (const [name, command] of [
  ['bin/run.js', [process.execPath, BIN]],
  ['the bundle', [process.execPath, path.join(ROOT, 'dist/umd.cjs')]],
  ['dist/umd', [BINARY]],
] as const) {
  test(`${name}: every command of the index is loaded and parses its own command line`, async (t) => {
    const env = { UMD_RUNTIME_DIR: path.join(tempDir(t), 'run'), NO_COLOR: '1' };
    for (const id of Object.keys(COMMANDS)) {
      const words = id.split(':');
      const result = await run([...command], [...words, '--no-such-flag'], env);
      t.is(result.code, 2, id);
      t.is(result.stdout, '', id);
      const expected = id === 'send' ? 'missing 1 required arg: driver (Driver name, e.g. sample)' : 'nonexistent flag: --no-such-flag';
      t.true(result.stderr.startsWith(`umd: ${words.join(' ')}: ${expected}\numd: hint: see \`umd ${words.join(' ')} --help\``), `${id}: ${result.stderr}`);
    }
  });
}
