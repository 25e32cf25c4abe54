import { driverArg } from '../cli/args.js';
import { UmdCommand } from '../cli/base.js';
import type { UnloadResult } from '../protocol/messages.js';

export default class Unload extends UmdCommand {
  static override summary = 'Unload a driver: kill its handler and remove its blob copy (rmmod).';
  static override description = [
    "SIGKILLs the driver's handler (through its launcher, which reaps its PID namespace), marks the driver not loaded and removes its blob copy. A later `umd send` loads it again on demand.",
    'Exit status: 0 unloaded; 1 the driver is not loaded (ENOENT); 2 usage error.',
    '--json: {"driver", "pid": N | null (the handler killed)}.',
  ].join('\n\n');
  static override examples = ['<%= config.bin %> unload sample', '<%= config.bin %> unload sample --json'];
  static override args = { driver: driverArg };

  async run(): Promise<UnloadResult> {
    const { args, flags } = await this.parse(Unload);
    const daemon = await this.daemon(flags);
    const result = await daemon.request('unload', { driver: args.driver });
    const pid = result.pid === null ? '' : ` (killed handler pid ${result.pid})`;
    this.log(`umd: unloaded ${result.driver}${pid}`);
    return result;
  }
}
