// Every command by its oclif id: the index of oclif's "explicit" command
// strategy (package.json: oclif.commands, identifier COMMANDS), which
// `oclif manifest` reads, and which main() hands oclif inside umd's root
// plugin (src/cli/entry.ts, src/cli/root-plugin.ts). Add a new command here;
// test/binary/bundle.test.ts checks that none of src/commands/ is missing.
import type { Command } from '@oclif/core';
import Completion from '../commands/completion.js';
import DaemonRun from '../commands/daemon/run.js';
import DaemonStart from '../commands/daemon/start.js';
import DaemonStatus from '../commands/daemon/status.js';
import DaemonStop from '../commands/daemon/stop.js';
import Help from '../commands/help.js';
import Info from '../commands/info.js';
import List from '../commands/list.js';
import Load from '../commands/load.js';
import Log from '../commands/log.js';
import Package from '../commands/package.js';
import Selftest from '../commands/selftest.js';
import Restart from '../commands/restart.js';
import Send from '../commands/send.js';
import Unload from '../commands/unload.js';
import Version from '../commands/version.js';
import Verify from '../commands/verify.js';

export const COMMANDS: Readonly<Record<string, Command.Class>> = {
  completion: Completion,
  help: Help,
  info: Info,
  list: List,
  load: Load,
  log: Log,
  package: Package,
  restart: Restart,
  selftest: Selftest,
  send: Send,
  unload: Unload,
  verify: Verify,
  version: Version,
  'daemon:run': DaemonRun,
  'daemon:start': DaemonStart,
  'daemon:status': DaemonStatus,
  'daemon:stop': DaemonStop,
};
