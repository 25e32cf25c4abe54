import { Args, Flags } from '@oclif/core';
import { UmdCommand } from '../cli/base.js';
import type { PackageReport } from '../managers/open-package.js';

export default class Package extends UmdCommand {
  static override summary = 'Check a driver package as `umd load` would, and write its blob digest into driver.json.';
  static override description = [
    "Reads DIR/driver.json and checks it as a load does, with the same code: the name must be DIR's own, every field valid, the manager a built-in one or an ES module inside the package that exports the hooks (it is imported), the handler blob a regular executable file inside the package. First it writes the blob's sha256 into driver.json (every other field kept); with --check it writes nothing and fails when the digest does not match. Runs locally: no daemon is needed or started.",
    'Exit status: 0 the package loads as it is; 1 it would not: EINVAL (driver.json, a field, the name, the manager hooks), ENOENT (a missing blob or manager module), EACCES (not executable, or outside the package), EBADMSG (--check: the digest differs), ENOTSUP (a TypeScript manager), EFBIG; 2 usage error.',
    '--json: {"driver", "packageDir", "handler", "sha256", "manager", "managerName", "written": true|false}.',
  ].join('\n\n');
  static override examples = ['<%= config.bin %> package ./mydriver', '<%= config.bin %> package ./mydriver --check --json'];
  static override args = { dir: Args.directory({ description: 'The package directory (named as the driver)', required: true }) };
  static override flags = {
    check: Flags.boolean({ summary: 'Write nothing: fail (EBADMSG) when driver.json\'s sha256 is not the blob\'s.' }),
  };

  async run(): Promise<PackageReport> {
    const { args, flags } = await this.parse(Package);
    // The manager's loading code, only for this command (every command loads this class; bench/README.md, P3).
    const { validatePackage } = await import('../managers/open-package.js');
    const report = await validatePackage(args.dir, { check: flags.check });
    const digest = report.written ? `wrote sha256 ${report.sha256}` : `sha256 ${report.sha256} matches`;
    this.log(`umd: package ${report.packageDir}: driver ${report.driver}, handler ${report.handler} (${digest}), manager ${report.manager} (${report.managerName}): ok`);
    return report;
  }
}
