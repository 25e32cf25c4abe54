import { UmdError } from '../core/errors.js';

/** The first descriptor a service manager passes (sd_listen_fds(3)). */
const SD_LISTEN_FDS_START = 3;

/**
 * The listening socket systemd passed, as sd_listen_fds(3) finds it: fd 3
 * when LISTEN_PID is this process and LISTEN_FDS is 1. The variables are
 * removed so that nothing this process starts takes them as its own.
 * More than one socket is refused: umd serves one.
 */
export function inheritedListenFd(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const pid = env.LISTEN_PID;
  const fds = env.LISTEN_FDS;
  delete env.LISTEN_PID;
  delete env.LISTEN_FDS;
  delete env.LISTEN_FDNAMES;
  if (pid === undefined || fds === undefined || Number(pid) !== process.pid) return undefined;
  if (fds !== '1') {
    throw new UmdError('EINVAL', `umd daemon: the service manager passed ${fds} sockets (LISTEN_FDS), umd serves exactly one`, {
      suggestions: ['Give the .socket unit a single ListenStream= line: the runtime dir\'s umd.sock'],
    });
  }
  return SD_LISTEN_FDS_START;
}
