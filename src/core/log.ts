export type LogLevel = 'info' | 'warn' | 'error';

export interface LogEntry {
  /** Milliseconds since the epoch. */
  time: number;
  level: LogLevel;
  /** The driver the line is about, if any. */
  driver?: string;
  /** Who said it: `umd` (the manager) or the handler's name. */
  source: string;
  message: string;
}

export type Logger = (entry: Omit<LogEntry, 'time'>) => void;

/** A logger that drops everything: for library users who do not care. */
export const silentLogger: Logger = () => undefined;
