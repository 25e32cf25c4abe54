// The single executable's start from its snapshot: see readStartEnvironment().
import chalk, { chalkStderr, type ColorSupportLevel } from 'chalk';
import createDebug from 'debug';
import tty from 'node:tty';

/**
 * What modules read of the environment when they load, read again for this
 * start. The single executable starts from a heap snapshot taken at build
 * time (src/cli/sea-snapshot.ts), after chalk and debug were loaded there:
 * - chalk's colour levels, as chalk's own detection: no colour on a stream
 *   that is not a terminal unless FORCE_COLOR says so; otherwise the depth
 *   Node's terminal detection gives (tty getColorDepth: FORCE_COLOR,
 *   NO_COLOR, TERM, COLORTERM, CI). applyColorChoice() then applies the flags;
 * - debug's namespaces (DEBUG), which oclif's diagnostics use.
 * test/binary/cli-surface.test.ts checks both against bin/run.js.
 */
export function readStartEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  chalk.level = colorLevel(process.stdout, env);
  chalkStderr.level = colorLevel(process.stderr, env);
  createDebug.enable(env.DEBUG ?? '');
}

function colorLevel(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): ColorSupportLevel {
  if (!stream.isTTY && env.FORCE_COLOR === undefined) return 0;
  // FORCE_COLOR wins over NO_COLOR here, as in chalk (Node would warn of it); applyColorChoice() then lets NO_COLOR win.
  const forced = { ...env };
  if (env.FORCE_COLOR !== undefined) {
    delete forced.NO_COLOR;
    delete forced.NODE_DISABLE_COLORS;
  }
  const depth = tty.WriteStream.prototype.getColorDepth.call(stream, forced);
  return depth >= 24 ? 3 : depth >= 8 ? 2 : depth >= 4 ? 1 : 0;
}

