import chalk, { chalkStderr, type ColorSupportLevel } from 'chalk';
import tty from 'node:tty';

/**
 * Colour as no-color.org and the flags say, for chalk (ours and listr2's)
 * and oclif's help: `--no-color` / `--color` win, then `NO_COLOR` (set and
 * not empty: no colour), then `FORCE_COLOR`, then whether the stream is a
 * terminal. The flags are taken out of argv here, before any parser sees them.
 */
export function applyColorChoice(argv: string[], env: NodeJS.ProcessEnv = process.env): string[] {
  let choice: boolean | undefined;
  const rest: string[] = [];
  for (const [i, arg] of argv.entries()) {
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === '--no-color') choice = false;
    else if (arg === '--color') choice = true;
    else rest.push(arg);
  }
  if (choice === undefined && env.NO_COLOR) choice = false;
  if (choice === false) {
    chalk.level = 0;
    chalkStderr.level = 0;
    env.NO_COLOR = '1';
    delete env.FORCE_COLOR;
  } else if (choice === true) {
    if (chalk.level === 0) chalk.level = 1;
    if (chalkStderr.level === 0) chalkStderr.level = 1;
    env.FORCE_COLOR ??= '1';
    delete env.NO_COLOR;
  }
  return rest;
}

/**
 * Sets chalk's colour levels from this process's streams and environment,
 * for a chalk that was loaded before they were known: the single
 * executable's starts from a snapshot taken at build time
 * (src/cli/sea-snapshot.ts). As chalk's own detection: no colour on a
 * stream that is not a terminal unless FORCE_COLOR says so; otherwise the
 * depth Node's terminal detection gives (tty getColorDepth: FORCE_COLOR,
 * NO_COLOR, TERM, COLORTERM, CI). applyColorChoice() then applies the flags.
 */
export function detectColorLevels(env: NodeJS.ProcessEnv = process.env): void {
  chalk.level = colorLevel(process.stdout, env);
  chalkStderr.level = colorLevel(process.stderr, env);
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

/**
 * A closed stdout (`umd log -f | head -1`) ends the command quietly with
 * status 0, as a reader that has seen enough is no failure; without this,
 * Node drops EPIPE and `log -f` would follow forever.
 */
export function exitOnClosedStdout(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') process.exit(0);
    throw error;
  });
}
