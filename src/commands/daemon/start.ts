import { UmdCommand } from '../../cli/base.js';
import type { DaemonStatus } from '../../protocol/messages.js';

export default class DaemonStart extends UmdCommand {
  static override summary = 'Start the daemon in the background, unless one already runs.';
  static override examples = ['<%= config.bin %> daemon start'];

  async run(): Promise<DaemonStatus> {
    const { flags } = await this.parse(DaemonStart);
    const daemon = await this.daemon(flags);
    const status = await daemon.request('status', {});
    this.log(`umd: daemon pid ${status.pid} serving ${status.socket}`);
    return status;
  }
}
