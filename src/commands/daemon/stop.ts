import { UmdCommand } from '../../cli/base.js';
import { UmdError } from '../../core/errors.js';

export default class DaemonStop extends UmdCommand {
  static override summary = 'Stop the daemon: every handler is killed and the socket removed. Not running is fine.';
  static override examples = ['<%= config.bin %> daemon stop'];

  async run(): Promise<{ pid: number | null; wasRunning: boolean }> {
    const { flags } = await this.parse(DaemonStop);
    let daemon;
    try {
      daemon = await this.daemon(flags, { autostart: false });
    } catch (error) {
      if (error instanceof UmdError && error.code === 'ECONNREFUSED') {
        this.log('umd: no daemon was running');
        return { pid: null, wasRunning: false };
      }
      throw error;
    }
    const { pid } = await daemon.request('shutdown', {});
    await daemon.closed();
    this.log(`umd: daemon pid ${pid} stopped`);
    return { pid, wasRunning: true };
  }
}
