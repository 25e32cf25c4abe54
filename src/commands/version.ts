import { UmdCommand } from '../cli/base.js';

export interface VersionResult {
  umd: string;
  node: string;
  platform: string;
  arch: string;
}

export default class Version extends UmdCommand {
  static override summary = 'Show the version of umd and of the Node it runs on (also `umd -v`, `umd --version`).';
  static override description = 'Exit status 0. --json: {"umd": "0.1.0", "node": "v20.19.0", "platform": "linux", "arch": "x64"}.';
  static override examples = ['<%= config.bin %> version', '<%= config.bin %> -v', '<%= config.bin %> version --json'];

  async run(): Promise<VersionResult> {
    await this.parse(Version);
    this.log(this.config.userAgent);
    return { umd: this.config.version, node: process.version, platform: process.platform, arch: process.arch };
  }
}
