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

// Issue 14, P3: the binary starts from a snapshot taken at build time, with oclif and chalk already loaded. What that
// build could not know is read at each start: the colour the environment asks for, oclif's width (OCLIF_COLUMNS) and
// DEBUG. Each entry must answer exactly as bin/run.js does.
test('dist/umd reads colour, width and DEBUG at each start, as bin/run.js does', async (t) => {
  const base = { UMD_RUNTIME_DIR: path.join(tempDir(t), 'run') };
  const both = async (args: string[], env: Record<string, string>): Promise<[CliResult, CliResult]> =>
    Promise.all([run([process.execPath, BIN], args, { ...base, ...env }), run([BINARY], args, { ...base, ...env })]);

  const colour = { FORCE_COLOR: '1', NO_COLOR: '' };
  const [npmColour, binColour] = await both(['lsit'], colour);
  t.is(npmColour.code, 2);
  t.true(npmColour.stderr.startsWith('\x1b[31mumd:\x1b[39m unknown command `umd lsit`'), npmColour.stderr);
  t.deepEqual(binColour, npmColour);
  for (const env of [{ FORCE_COLOR: '0', NO_COLOR: '' }, { FORCE_COLOR: '1', NO_COLOR: '1' }]) {
    const [npm, bin] = await both(['lsit'], env);
    t.true(npm.stderr.startsWith('umd: unknown command `umd lsit`'), `${JSON.stringify(env)}: ${npm.stderr}`);
    t.deepEqual(bin, npm, JSON.stringify(env));
  }

  const width = (text: string) => Math.max(...text.split('\n').map((line) => line.length));
  const [npmWide, binWide] = await both(['send', '--help'], { NO_COLOR: '1', OCLIF_COLUMNS: '120' });
  const [npmNarrow, binNarrow] = await both(['send', '--help'], { NO_COLOR: '1', OCLIF_COLUMNS: '50' });
  t.true(width(npmNarrow.stdout) < width(npmWide.stdout), `${width(npmNarrow.stdout)} against ${width(npmWide.stdout)}`);
  t.is(binWide.stdout, npmWide.stdout);
  t.is(binNarrow.stdout, npmNarrow.stdout);

  const [npmDebug, binDebug] = await both(['version'], { NO_COLOR: '1', DEBUG: 'oclif:main' });
  for (const result of [npmDebug, binDebug]) t.regex(result.stderr, /oclif:main process\.argv: /);
});
