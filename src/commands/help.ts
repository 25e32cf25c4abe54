import { Args, Help as OclifHelp } from '@oclif/core';
import { UmdCommand } from '../cli/base.js';
import { unknownCommand } from '../cli/main.js';

export default class Help extends UmdCommand {
  static override summary = 'Show help for umd, a topic or a command (also `-h` and `--help`).';
  static override description = 'Exit status 0, or 2 when the command named does not exist.';
  static override examples = ['<%= config.bin %> help', '<%= config.bin %> help send', '<%= config.bin %> help daemon stop', '<%= config.bin %> send -h'];
  static override args = { command: Args.string({ description: 'A command or topic, e.g. send, daemon, daemon stop', required: false }) };
  static override strict = false;
  static override enableJsonFlag = false;

  async run(): Promise<void> {
    const { argv } = await this.parse(Help);
    const words = argv as string[];
    const id = words.join(':');
    if (words.length > 0 && !this.config.findCommand(id) && !this.config.findTopic(id)) throw unknownCommand(this.config, words);
    await new OclifHelp(this.config).showHelp(words);
  }
}
