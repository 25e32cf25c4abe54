import test from 'ava';
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { COMMANDS } from '../../src/cli/commands.js';
import { ROOT } from '../helpers/runtime.js';

const BUNDLE = path.join(ROOT, 'dist/umd.cjs');

/** oclif's ids for the command files under `dir`, as its file loader names them. */
function commandIds(dir: string, topic: string[] = []): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return commandIds(path.join(dir, entry.name), [...topic, entry.name]);
    return entry.name.endsWith('.js') ? [[...topic, entry.name.slice(0, -3)].join(':')] : [];
  });
}

async function node(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr: stderr.replaceAll(`(node:${child.pid})`, '(node:PID)') };
}

/** The CLI as oclif loads it from files: what bin/run.js does without the bundle. */
const ENTRY = path.join(ROOT, 'dist/src/cli/entry.js');
const FILE_LOADER = `import { main } from ${JSON.stringify(ENTRY)}; await main(process.argv.slice(1), { root: ${JSON.stringify(ROOT)} });`;

test('the bundled command index has every command file of src/commands', (t) => {
  t.deepEqual(Object.keys(COMMANDS).sort(), commandIds(path.join(ROOT, 'dist/src/commands')).sort());
});

test('dist/umd.cjs is built from the current compiled sources', (t) => {
  const bundle = statSync(BUNDLE).mtimeMs;
  t.true(bundle >= statSync(path.join(ROOT, 'dist/src/cli/entry.js')).mtimeMs, 'dist/umd.cjs is older than dist/src: run `npm run build`');
});

const sameAsFiles = test.macro({
  async exec(t, args: string[]) {
    const [bundled, files] = await Promise.all([node([BUNDLE, ...args]), node(['--input-type=module', '-e', FILE_LOADER, '--', ...args])]);
    t.deepEqual(bundled, files);
    t.not(bundled.stdout + bundled.stderr, '');
  },
  title: (_, args: string[]) => `the bundle answers \`umd ${args.join(' ')}\` exactly as the file-based CLI does`,
});

test(sameAsFiles, ['--help']);
test(sameAsFiles, ['send', '--help']);
test(sameAsFiles, ['daemon', '--help']);
test(sameAsFiles, ['daemon', 'run', '--help']);
test(sameAsFiles, ['--version']);
test(sameAsFiles, ['no-such-command']);
test(sameAsFiles, ['send']);
test(sameAsFiles, ['help', 'send']);
test(sameAsFiles, ['daemon', 'bogus']);
test(sameAsFiles, ['-v']);
