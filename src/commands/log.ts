import { Flags } from '@oclif/core';
import { UmdCommand } from '../cli/base.js';
import { checkedDriverName } from '../cli/driver-name.js';
import { parseSince } from '../cli/since.js';
import type { LogEntry } from '../core/log.js';
import { formatLogEntry } from '../core/log-format.js';

export default class Log extends UmdCommand {
  static override summary = "Show the daemon's recent log: loads, unloads, restarts, errors and handlers' stderr (dmesg).";
  static override description = [
    'The daemon keeps its last 2000 entries in memory (the log file in the runtime dir, umd.log, has them all). On a terminal times are local; elsewhere they are UTC in ISO 8601, as in umd.log. --follow keeps printing new entries until interrupted, or until its output is closed (`umd log -f | grep -m1 Loaded` ends).',
    'Exit status: 0; 1 when the daemon cannot be reached; 2 usage error (a bad --since, --level or -n).',
    '--json: an array of {"time" (ms since the epoch), "level", "driver"?, "source", "message"}; with --follow, one such object per line (JSON Lines), as they come.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> log',
    '<%= config.bin %> log -n 20 --driver sample',
    '<%= config.bin %> log --since 10m --level warn',
    '<%= config.bin %> log -f',
    '<%= config.bin %> log -f --json | jq .message',
  ];
  static override flags = {
    follow: Flags.boolean({ char: 'f', summary: 'Keep printing new lines as they come, until interrupted or the output is closed.' }),
    lines: Flags.integer({ char: 'n', summary: 'How many recent lines to show, from 1 to 100000.', default: 100, min: 1, max: 100_000 }),
    driver: Flags.string({ char: 'd', summary: 'Only the lines about this driver.' }),
    since: Flags.string({ summary: 'Only lines since a time (2026-11-27T09:40:00Z) or for a duration back (90s, 10m, 2h, 1d).' }),
    level: Flags.string({ summary: 'Only lines at this level or worse: info (all), warn (warnings and errors), error.', options: ['info', 'warn', 'error'] }),
  };

  async run(): Promise<LogEntry[] | undefined> {
    const { flags } = await this.parse(Log);
    const params = {
      lines: flags.lines,
      follow: flags.follow,
      ...(flags.driver ? { driver: checkedDriverName(flags.driver) } : {}),
      ...(flags.since ? { since: parseSince(flags.since) } : {}),
      ...(flags.level ? { level: flags.level as 'info' | 'warn' | 'error' } : {}),
    };
    const daemon = await this.daemon(flags);
    const local = process.stdout.isTTY === true;
    const print = (entry: LogEntry) => {
      if (this.jsonEnabled()) this.out(JSON.stringify(entry));
      else this.log(formatLogEntry(entry, { local }));
    };
    const entries = await daemon.request('log', params, flags.follow ? { timeoutMs: 0, onEvent: print } : {});
    if (!flags.follow) {
      if (!this.jsonEnabled()) for (const entry of entries) print(entry);
      return entries;
    }
    for (const entry of entries) print(entry);
    await daemon.closed();
    return undefined; // JSON Lines were printed as they came; no array at the end
  }
}
