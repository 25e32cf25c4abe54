import { driverArg } from '../cli/args.js';
import { UmdCommand } from '../cli/base.js';
import type { RestartResult } from '../protocol/messages.js';

export default class Restart extends UmdCommand {
  static override summary = 'Restart a driver: unload and load it again under one lock (rmmod + modprobe).';
  static override description = [
    "Kills the driver's handler, reads its package again, checks the blob against driver.json's sha256, copies it afresh, starts a new handler and runs the health check, all under the driver's lock, so no request runs in between. A driver that is not loaded is loaded. A failed driver (start limit hit) gets a fresh start.",
    'Exit status: 0 restarted; 1 the driver is not found (ENOENT) or could not be loaded again (EBADMSG, ECHILD, ...): it is then unloaded; 2 usage error.',
    '--json: {"driver", "wasLoaded", "oldPid": N | null, "pid": N | null}.',
  ].join('\n\n');
  static override examples = ['<%= config.bin %> restart sample', '<%= config.bin %> restart sample --json'];
  static override args = { driver: driverArg };

  async run(): Promise<RestartResult> {
    const { args, flags } = await this.parse(Restart);
    const daemon = await this.daemon(flags);
    const result = await daemon.request('restart', { driver: args.driver, searchPath: this.searchPath() });
    const pid = result.pid === null ? '' : `handler pid ${result.pid}`;
    this.log(result.wasLoaded ? `umd: restarted ${result.driver} (${result.oldPid === null ? 'no handler was running' : `killed handler pid ${result.oldPid}`}, now ${pid})` : `umd: ${result.driver} was not loaded; loaded it (${pid})`);
    return result;
  }
}
