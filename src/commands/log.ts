import { Flags } from '@oclif/core';
import { UmdCommand } from '../cli/base.js';
import type { LogEntry } from '../core/log.js';
import { formatLogEntry } from '../core/log-format.js';

export default class Log extends UmdCommand {
  static override summary = "Show the daemon's recent log: loads, unloads, restarts, errors and handlers' stderr (dmesg).";
  static override examples = ['<%= config.bin %> log', '<%= config.bin %> log -n 20 --driver sample', '<%= config.bin %> log -f'];
  static override flags = {
    follow: Flags.boolean({ char: 'f', summary: 'Keep printing new lines as they come, until interrupted.' }),
    lines: Flags.integer({ char: 'n', summary: 'How many recent lines to show.', default: 100, min: 1 }),
    driver: Flags.string({ char: 'd', summary: 'Only the lines about this driver.' }),
  };

  async run(): Promise<LogEntry[]> {
    const { flags } = await this.parse(Log);
    const daemon = await this.daemon(flags);
    const print = (entry: LogEntry) => {
      if (this.jsonEnabled()) process.stdout.write(`${JSON.stringify(entry)}\n`);
      else this.log(formatLogEntry(entry));
    };
    const params = { lines: flags.lines, follow: flags.follow, ...(flags.driver ? { driver: flags.driver } : {}) };
    const entries = await daemon.request('log', params, flags.follow ? { timeoutMs: 0, onEvent: print } : {});
    if (!flags.follow) {
      for (const entry of entries) this.log(formatLogEntry(entry));
      return entries;
    }
    for (const entry of entries) print(entry);
    await daemon.closed();
    return [];
  }
}
