import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BIN, ROOT, tempDir } from '../helpers/runtime.js';

// The README's command reference, man/umd.1 and the completion scripts come from the commands' metadata.

test('README.md\'s command reference and man/umd.1 are current (npm run docs)', (t) => {
  const check = spawnSync(process.execPath, [path.join(ROOT, 'scripts/gen-docs.mjs'), '--check'], { encoding: 'utf8' });
  t.is(check.status, 0, check.stderr);
});

async function completion(shell: string): Promise<string> {
  const child = spawn(process.execPath, [BIN, 'completion', shell], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  await new Promise((resolve) => child.on('close', resolve));
  return out;
}

/** What bash completes for `words` (the last one being typed). */
function complete(script: string, words: string[]): string[] {
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const run = spawnSync('bash', ['-c', `source "$0"; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _umd; printf '%s\\n' "\${COMPREPLY[@]}"`, script], { encoding: 'utf8' });
  return run.stdout.split('\n').filter((line) => line !== '');
}

test('bash completion completes commands, daemon subcommands and each command\'s flags', async (t) => {
  const file = path.join(tempDir(t), 'umd.bash');
  writeFileSync(file, await completion('bash'));
  t.deepEqual(complete(file, ['umd', 'se']), ['selftest', 'send']);
  t.deepEqual(complete(file, ['umd', 're']), ['restart']);
  t.deepEqual(complete(file, ['umd', 'daemon', 'st']), ['start', 'status', 'stop']);
  t.deepEqual(complete(file, ['umd', 'send', 'sample', '--ti']), ['--timeout']);
  t.deepEqual(complete(file, ['umd', 'log', '--l']), ['--lines', '--level']);
  t.deepEqual(complete(file, ['umd', 'daemon', 'stop', '--j']), ['--json']);
});

test('zsh and fish completion: every command and flag is there', async (t) => {
  const zsh = await completion('zsh');
  t.regex(zsh, /^#compdef umd\n/);
  t.true(zsh.includes('bashcompinit') && zsh.includes('complete -F _umd umd'));
  const fish = await completion('fish');
  for (const command of ['completion', 'daemon', 'help', 'info', 'list', 'load', 'log', 'restart', 'selftest', 'send', 'unload', 'version']) {
    t.true(fish.includes(`complete -c umd -n __fish_use_subcommand -a ${command} -d `), command);
  }
  t.true(fish.includes("complete -c umd -n '__fish_seen_subcommand_from log' -l level -x -a 'info warn error' -d "));
  t.true(fish.includes("complete -c umd -n '__fish_seen_subcommand_from send' -l timeout -r -d "));
});

test('every command has a summary, a description with its exit statuses, and examples with $ in its help', async (t) => {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'oclif.manifest.json'), 'utf8')) as {
    commands: Record<string, { summary?: string; description?: string; examples?: string[]; hidden?: boolean; enableJsonFlag?: boolean }>;
  };
  for (const [id, command] of Object.entries(manifest.commands)) {
    if (command.hidden) continue;
    t.truthy(command.summary, id);
    t.regex(command.description ?? '', /Exit status/, id);
    if (command.enableJsonFlag) t.regex(command.description ?? '', /--json: /, id);
    t.true((command.examples ?? []).length > 0, id);
  }
  const help = spawnSync(process.execPath, [BIN, 'restart', '--help'], { encoding: 'utf8' });
  t.regex(help.stdout, /\nEXAMPLES\n {2}\$ umd restart sample\n/);
});
