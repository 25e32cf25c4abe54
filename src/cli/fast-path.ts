// Nothing here may import @oclif/core: avoiding it is the point.
import { applyColorChoice, exitOnClosedStdout } from './output-guards.js';

/** What every entry does first: stdout's EPIPE ends the command, and --color/--no-color are applied and taken out. */
export function prepareArgv(argv: string[]): string[] {
  exitOnClosedStdout();
  return applyColorChoice(argv);
}

/**
 * The invocations that run without oclif. Loading oclif takes longer than
 * `umd send` itself (see bench/README.md, P3), and a daemon that never
 * loads it is ~9 MB smaller. Only the plainest forms qualify: `umd send
 * DRIVER INPUT` with no flags, `umd selftest` with no flags when stdout is
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

/** `umd send DRIVER INPUT`, printing what the oclif command prints. */
async function fastSend(driver: string, input: string): Promise<void> {
  const [{ connectDaemon }, { envClientOptions, envSearchPath }, { sendRequest, describeSend, checkInputSize }, { checkedDriverName }] = await Promise.all([
    import('../client/autostart.js'),
    import('./context.js'),
    import('./send-request.js'),
    import('./driver-name.js'),
  ]);
  await reportingErrors(async () => {
    checkedDriverName(driver);
    checkInputSize(driver, input);
    const daemon = await connectDaemon(envClientOptions());
    try {
      process.stdout.write(`${describeSend(await sendRequest(daemon, { driver, input, searchPath: envSearchPath() }))}\n`);
    } finally {
      daemon.close();
    }
  });
}

/** Runs `work`; a UmdError it throws is printed as the oclif commands print it, with exit status 1. */
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

/** `umd selftest` with its defaults and plain output, through the oclif command's own entry. */
async function fastSelftest(): Promise<void> {
  const [{ randomInt }, { connectDaemon }, { envClientOptions, envSearchPath }, { SELFTEST_DEFAULTS }, { selftestEntry }] = await Promise.all([
    import('node:crypto'),
    import('../client/autostart.js'),
    import('./context.js'),
    import('../selftest/run.js'),
    import('./selftest-run.js'),
  ]);
  let daemon: Awaited<ReturnType<typeof connectDaemon>> | undefined;
  try {
    await selftestEntry({
      options: { ...SELFTEST_DEFAULTS, seed: randomInt(2 ** 31) },
      json: false,
      log: (line) => process.stdout.write(`${line}\n`),
      connect: async () => (daemon = await connectDaemon(envClientOptions())),
      searchPath: envSearchPath(),
    });
  } finally {
    daemon?.close();
  }
}

/** The daemon the client's daemon starter (autostart) starts, in the runtime dir of UMD_RUNTIME_DIR. */
async function fastDaemon(): Promise<void> {
  const { daemonEntry } = await import('./daemon-main.js');
  await reportingErrors(async () => {
    await daemonEntry({ ifAbsent: true, echo: false, announce: (line) => process.stdout.write(`${line}\n`) });
  });
}
