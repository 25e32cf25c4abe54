import { UmdError, type ErrorTopic } from '../core/errors.js';

/**
 * What to do next, in umd's commands, for an error of the library or the
 * daemon: they give a code, a topic and the driver, never a command line.
 * The CLI's hints live here, and only here.
 */
const BY_TOPIC: Record<ErrorTopic, (driver: string | undefined) => string[]> = {
  'driver-not-found': () => ['Run `umd list` to see the drivers umd knows, or add its directory to UMD_DRIVER_PATH'],
  'driver-not-loaded': () => ['Run `umd list` to see what is loaded'],
  'load-on-demand': (driver) => [`Run \`umd load ${driver ?? '<driver>'}\` to see why, and \`umd log\` for the handler's words`],
  'start-limit': (driver) => [`See why in \`umd log --driver ${driver ?? '<driver>'}\`; \`umd load ${driver ?? '<driver>'}\` clears the failed state`],
  handler: (driver) => [`See \`umd log${driver ? ` --driver ${driver}` : ''}\` for what the handler said and how it ended`],
  sandbox: (driver) => [`See \`umd info ${driver ?? '<driver>'}\` for what this system lacks`],
  connections: () => ['Close idle clients (see `umd log` for who is refused)'],
};

/** The hint lines the CLI adds to `error`'s own suggestions. */
export function cliHints(error: UmdError): string[] {
  return error.topic ? BY_TOPIC[error.topic](error.driver) : [];
}

/** `error` with the CLI's hints after its own suggestions (once, however often it is called). */
export function withCliHints(error: UmdError): UmdError {
  const extra = cliHints(error).filter((hint) => !error.suggestions.includes(hint));
  if (extra.length === 0) return error;
  const copy = new UmdError(error.code, error.message, {
    cause: error.cause,
    suggestions: [...error.suggestions, ...extra],
    ...(error.driver === undefined ? {} : { driver: error.driver }),
    ...(error.topic === undefined ? {} : { topic: error.topic }),
  });
  return copy;
}
