import chalk, { chalkStderr } from 'chalk';

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
