// Nothing here may import @oclif/core: avoiding it is the point.
import { applyColorChoice, exitOnClosedStdout } from './output-guards.js';

/** What every entry does first: stdout's EPIPE ends the command, and --color/--no-color are applied and taken out. */
export function prepareArgv(argv: string[]): string[] {
  exitOnClosedStdout();
  return applyColorChoice(argv);
}

/**
 * The invocations that run without oclif, each through the same body
 * (sendCommand, selftestCommand, daemonRunCommand) as its oclif command: this
 * only recognizes argv that needs no parsing. Loading oclif takes longer than
 * `umd send` itself (see bench/README.md, P3), and a daemon that never
 * loads it is ~9 MB smaller. Only the plainest forms qualify: `umd send
 * DRIVER INPUT` with no flags, `umd verify --keyring K SIG [FILE]` (only
 * --keyring flags), `umd selftest` with no flags when stdout is
 * not a terminal, and `daemon run --if-absent` exactly as the client's
 * daemon starter (src/client/autostart.ts) spawns it. Anything else returns false and goes through oclif,
 * so help, flags, --json, the interactive selftest and every error about
 * usage stay oclif's.
 */
export async function runFastPath(argv: string[]): Promise<boolean> {
  const plain = argv.every((arg) => !arg.startsWith('-'));
  if (argv.length === 3 && argv[0] === 'send' && plain) {
    await fastSend(argv[1], argv[2]);
    return true;
  }
  const verify = argv[0] === 'verify' ? plainVerify(argv.slice(1)) : null;
  if (verify) {
    await fastVerify(verify);
    return true;
  }
  if (argv.length === 1 && argv[0] === 'selftest' && !process.stdout.isTTY) {
    await fastSelftest();
    return true;
  }
  if (argv.length === 3 && argv[0] === 'daemon' && argv[1] === 'run' && argv[2] === '--if-absent') {
    await fastDaemon();
    return true;
  }
  return false;
}

const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** `umd send DRIVER INPUT`: the body of the oclif command (sendCommand), with the argument check its parser makes. */
async function fastSend(driver: string, input: string): Promise<void> {
  const [{ connectDaemon }, { envClientOptions, envSearchPath }, { sendCommand }, { checkedDriverName }] = await Promise.all([
    import('../client/autostart.js'),
    import('./context.js'),
    import('./send-request.js'),
    import('./driver-name.js'),
  ]);
  let daemon: Awaited<ReturnType<typeof connectDaemon>> | undefined;
  await reportingErrors(async () => {
    try {
      await sendCommand(async () => (daemon = await connectDaemon(envClientOptions())), { driver: checkedDriverName(driver), input, searchPath: envSearchPath() }, print);
    } finally {
      daemon?.close();
    }
  });
}

/** `verify --keyring K [--keyring K...] SIG [FILE]` and nothing else, or null (then oclif parses it). */
function plainVerify(args: string[]): { keyrings: string[]; signature: string; data?: string } | null {
  const keyrings: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--keyring' && i + 1 < args.length && !(args[i + 1]).startsWith('-')) keyrings.push(args[++i]);
    else if (arg.startsWith('--keyring=') && arg.length > 10) keyrings.push(arg.slice(10));
    else if (arg.startsWith('-')) return null;
    else rest.push(arg);
  }
  if (keyrings.length === 0 || rest.length < 1 || rest.length > 2) return null;
  return { keyrings, signature: rest[0], ...(rest[1] === undefined ? {} : { data: rest[1] }) };
}

/** `umd verify` in its plain form, printing what the oclif command prints. */
async function fastVerify(args: { keyrings: string[]; signature: string; data?: string }): Promise<void> {
  const [{ connectDaemon }, { envClientOptions, envSearchPath }, { requestVerify, printVerify }] = await Promise.all([
    import('../client/autostart.js'),
    import('./context.js'),
    import('./verify-run.js'),
  ]);
  await reportingErrors(async () => {
    const daemon = await connectDaemon(envClientOptions());
    try {
      process.exitCode = printVerify(await requestVerify(daemon, args, envSearchPath()), (line) => process.stdout.write(`${line}\n`));
    } finally {
      daemon.close();
    }
  });
}

/** Runs `work`; a UmdError it throws is printed as the oclif commands print it, with their exit status. */
async function reportingErrors(work: () => Promise<void>): Promise<void> {
  const [{ UmdError }, { printUmdError }, { exitCodeOf }] = await Promise.all([import('../core/errors.js'), import('./print-error.js'), import('./usage.js')]);
  try {
    await work();
  } catch (error) {
    if (!(error instanceof UmdError)) throw error;
    printUmdError(error);
    process.exitCode = exitCodeOf(error);
  }
}

/** `umd selftest` with its defaults and plain output: the body of the oclif command (selftestCommand). */
async function fastSelftest(): Promise<void> {
  const [{ randomInt }, { connectDaemon }, { envClientOptions, envSearchPath }, { SELFTEST_DEFAULTS }, { selftestCommand }] = await Promise.all([
    import('node:crypto'),
    import('../client/autostart.js'),
    import('./context.js'),
    import('../selftest/run.js'),
    import('./selftest-run.js'),
  ]);
  let daemon: Awaited<ReturnType<typeof connectDaemon>> | undefined;
  try {
    await selftestCommand({ ...SELFTEST_DEFAULTS, seed: randomInt(2 ** 31) }, { json: false, log: print, connect: async () => (daemon = await connectDaemon(envClientOptions())), searchPath: envSearchPath() });
  } finally {
    daemon?.close();
  }
}

/** `umd daemon run --if-absent` as the client's daemon starter (autostart) spawns it: the body of the oclif command (daemonRunCommand). */
async function fastDaemon(): Promise<void> {
  const [{ daemonRunCommand }, { envRuntimeDir }] = await Promise.all([import('./daemon-main.js'), import('./context.js')]);
  await reportingErrors(async () => {
    await daemonRunCommand(envRuntimeDir(), { ifAbsent: true, quiet: false, log: print });
  });
}
