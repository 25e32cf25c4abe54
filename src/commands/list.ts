import chalk from 'chalk';
import { UmdCommand } from '../cli/base.js';
import { fitLastColumn, outputWidth, table } from '../cli/table.js';
import type { ListEntry } from '../protocol/messages.js';

const HEADER = ['DRIVER', 'STATE', 'PID', 'REQUESTS', 'RESTARTS', 'FAILURES', 'LAST ERROR'];

export default class List extends UmdCommand {
  static override summary = 'List every known driver with its state, handler pid and counters (lsmod).';
  static override description = [
    'Every driver found in UMD_DRIVER_PATH and the built-in drivers (as your requests would find them), and every loaded driver, with a note when it was loaded from another package directory than yours finds. STATE is unloaded, running, stopped (loaded, its handler exited: the next request starts one), failed (its handler kept dying at start; `umd unload` resets it) or broken (its package is invalid); `!` after it means its handlers run without the full sandbox. FAILURES counts failed requests and failed on-demand loads. LAST ERROR is cut to the width of the terminal (COLUMNS, else 120 when not a terminal); `umd info DRIVER` and --json have it whole.',
    'Exit status: 0; 1 when the daemon cannot be reached.',
    '--json: [{"name", "state", "pid", "requests", "restarts", "failures", "lastError": {"code", "message"} | null, "packageDir", "foundAt", "sandbox"}] (foundAt: the package dir your search path finds; it differs from packageDir for a driver another client loaded from elsewhere).',
  ].join('\n\n');
  static override examples = ['<%= config.bin %> list', '<%= config.bin %> list --json'];

  async run(): Promise<ListEntry[]> {
    const { flags } = await this.parse(List);
    const daemon = await this.daemon(flags);
    const entries = await daemon.request('list', { searchPath: this.searchPath() });
    const rows = entries.map((e) => [
      e.name,
      e.sandbox === null || e.sandbox === 'on' ? e.state : `${e.state}!`,
      e.pid === null ? '-' : String(e.pid),
      String(e.requests),
      String(e.restarts),
      String(e.failures),
      e.lastError ? `${e.lastError.code}: ${e.lastError.message}` : '',
    ]);
    this.log(table(HEADER, fitLastColumn(HEADER, rows, outputWidth()), paintState));
    if (entries.some((e) => e.sandbox !== null && e.sandbox !== 'on')) this.log('! = its handlers run without the full sandbox: see `umd info <driver>`');
    for (const e of entries) {
      if (e.state === 'unloaded' || e.state === 'broken' || e.foundAt === e.packageDir) continue;
      const yours = e.foundAt === null ? 'your search path does not reach it (send: ENOENT)' : `your search path finds ${e.foundAt} (send: EBUSY)`;
      this.log(`umd: note: ${e.name} is loaded from ${e.packageDir}; ${yours}`);
    }
    return entries;
  }
}

/** On a terminal: running green (yellow without the full sandbox), failed and broken red, errors red. */
function paintState(col: number, value: string, text: string): string {
  if (col === 6 && value !== '') return chalk.red(text);
  if (col !== 1) return text;
  if (value === 'running') return chalk.green(text);
  if (value.endsWith('!') || value === 'stopped') return chalk.yellow(text);
  if (value.startsWith('failed') || value.startsWith('broken')) return chalk.red(text);
  return text;
}
