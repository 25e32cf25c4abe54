import { Args } from '@oclif/core';
import { UmdCommand } from '../cli/base.js';
import { commandInfos } from '../cli/command-info.js';
import { completionScript, SHELLS, type Shell } from '../cli/completion.js';

export default class Completion extends UmdCommand {
  static override summary = 'Print the shell completion script for bash, zsh or fish.';
  static override description = [
    "The script is generated from umd's own commands and flags, so it never drifts from them; it completes commands, topics and flags (not driver names). Install it as the examples show, then open a new shell.",
    'Exit status: 0; 2 for a shell it does not know.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> completion bash > /etc/bash_completion.d/umd',
    '<%= config.bin %> completion zsh > "${fpath[1]}/_umd"',
    '<%= config.bin %> completion fish > ~/.config/fish/completions/umd.fish',
  ];
  static override args = { shell: Args.string({ description: 'The shell', required: true, options: [...SHELLS] }) };
  static override enableJsonFlag = false;

  async run(): Promise<void> {
    const { args } = await this.parse(Completion);
    process.stdout.write(completionScript(args.shell as Shell, commandInfos(this.config.commands)));
  }
}
