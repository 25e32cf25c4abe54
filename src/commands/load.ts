import { driverArg } from '../cli/args.js';
import { UmdCommand } from '../cli/base.js';
import type { LoadResult } from '../protocol/messages.js';

export default class Load extends UmdCommand {
  static override summary = 'Load a driver: check its blob, start its handler, run its health check (modprobe).';
  static override description = [
    "Finds the driver package in UMD_DRIVER_PATH and the built-in drivers, checks the handler blob against the sha256 in driver.json, copies it into a private directory of the runtime dir, starts the handler and runs the manager's post_start health check. Loading a loaded driver succeeds and says so.",
    'Exit status: 0 loaded (or already loaded); 1 it failed: ENOENT (no such driver), EBADMSG (the blob does not match its sha256), ECHILD (the handler died at start), ETIMEDOUT, ENOTSUP, EACCES, ...; 2 usage error.',
    '--json: {"driver", "alreadyLoaded": true|false, "pid": N | null}.',
  ].join('\n\n');
  static override examples = ['<%= config.bin %> load sample', '<%= config.bin %> load sample --json'];
  static override args = { driver: driverArg };

  async run(): Promise<LoadResult> {
    const { args, flags } = await this.parse(Load);
    const daemon = await this.daemon(flags);
    const result = await daemon.request('load', { driver: args.driver, searchPath: this.searchPath() });
    const pid = result.pid === null ? '' : ` (handler pid ${result.pid})`;
    this.log(result.alreadyLoaded ? `umd: driver ${result.driver} is already loaded${pid}` : `umd: loaded ${result.driver}${pid}`);
    return result;
  }
}
