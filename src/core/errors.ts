import { escapeControl } from './escape.js';

/**
 * The stable error codes umd reports. Errno names where the kernel would use
 * them, so scripts can branch on `code`, never on message text.
 */
export const ERROR_CODES = [
  'EINVAL', // bad input or a reply that fails the manager's check
  'ENOENT', // unknown driver, driver not loaded, blob missing
  'ENOPROTOOPT', // the driver could not be loaded on demand
  'EFAULT', // the pipe to or from the handler failed
  'EBADMSG', // the blob's digest does not match driver.json
  'EEXIST', // already there
  'EACCES', // not allowed: blob not executable, unsafe runtime dir
  'EBUSY', // the daemon or driver is busy with something that excludes this
  'ETIMEDOUT', // a deadline passed
  'EAGAIN', // the handler keeps dying at start: start limit hit
  'EFBIG', // a file is over its size cap (driver.json)
  'EMFILE', // the daemon serves as many connections as it allows
  'ECONNREFUSED', // no daemon answers on the socket
  'EPROTO', // a malformed control-socket message
  'ECHILD', // the handler exited or was killed at start
  'ENOTSUP', // the driver requires a sandbox protection this system cannot give
  'EFBIG', // more data than a driver's fixed-size request holds
  'ENOTDIR', // a path that must be a directory is not one (the runtime dir)
  'ENAMETOOLONG', // the socket path does not fit a Unix socket address
  'EMSGSIZE', // an input too large for one control message
  'EUSAGE', // the command line is wrong (exit status 2)
  'EINTR', // interrupted (Ctrl-C)
  'EIO', // anything else the system reported
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * What an error is about, beyond its code: the front end that shows it maps
 * code, topic and driver to its own next steps (the CLI's src/cli/hints.ts
 * names its commands), so the library's messages name no command.
 */
export const ERROR_TOPICS = [
  'driver-not-found', // no package of that name in the search path
  'driver-not-loaded', // unload of a driver that is not loaded
  'load-on-demand', // a send could not load the driver
  'start-limit', // the driver is failed: its handler kept dying at start
  'handler', // the handler failed a request or a start: what it said and how it ended is in the log
  'connections', // the daemon serves as many clients as it allows
  'sandbox', // the driver's sandbox cannot be had here
] as const;
export type ErrorTopic = (typeof ERROR_TOPICS)[number];

export interface UmdErrorOptions {
  cause?: unknown;
  suggestions?: string[];
  /** The driver the error is about. */
  driver?: string;
  topic?: ErrorTopic;
}

/** An error as it crosses the control socket or is stored. */
export interface UmdErrorJSON {
  code: ErrorCode;
  message: string;
  suggestions?: string[];
  driver?: string;
  topic?: ErrorTopic;
}

/**
 * The one error type of umd: a stable `code`, a message that names the
 * operation, the object and the other party, and what to do next.
 */
export class UmdError extends Error {
  readonly code: ErrorCode;
  readonly suggestions: string[];
  readonly driver: string | undefined;
  readonly topic: ErrorTopic | undefined;

  constructor(code: ErrorCode, message: string, options: UmdErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UmdError';
    this.code = code;
    this.suggestions = options.suggestions ?? [];
    this.driver = options.driver;
    this.topic = options.topic;
  }

  /** A UmdError from its JSON (a reply of the daemon); an unknown code is EIO, an unknown topic dropped. */
  static fromJSON(body: { code: string; message: string; suggestions?: string[]; driver?: unknown; topic?: unknown }, prefix = ''): UmdError {
    return new UmdError(isErrorCode(body.code) ? body.code : 'EIO', `${prefix}${body.message}`, {
      suggestions: body.suggestions ?? [],
      ...(typeof body.driver === 'string' ? { driver: body.driver } : {}),
      ...((ERROR_TOPICS as readonly unknown[]).includes(body.topic) ? { topic: body.topic as ErrorTopic } : {}),
    });
  }

  /** The error as it crosses the control socket or is stored: control characters escaped (a handler may have written them). */
  toJSON(): UmdErrorJSON {
    const json: UmdErrorJSON = { code: this.code, message: escapeControl(this.message) };
    if (this.suggestions.length > 0) json.suggestions = this.suggestions.map(escapeControl);
    if (this.driver !== undefined) json.driver = this.driver;
    if (this.topic !== undefined) json.topic = this.topic;
    return json;
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Wraps anything thrown into a UmdError, keeping a system errno name when it is one of ours. */
export function toUmdError(error: unknown, fallback: ErrorCode, context: string): UmdError {
  if (error instanceof UmdError) return error;
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  const code = isErrorCode(errno) ? errno : fallback;
  const detail = error instanceof Error ? error.message : String(error);
  return new UmdError(code, `${context}: ${detail}`, { cause: error });
}
