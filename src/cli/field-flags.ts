import { UmdError } from '../core/errors.js';

export type FieldValue = string | number | boolean;

export interface SplitArgv {
  /** The tokens for oclif: positional arguments and the command's own flags. */
  rest: string[];
  /** The `--name value` pairs the command does not know, in order; empty when there were none. */
  fields: Record<string, FieldValue>;
}

const FIELD = /^--([A-Za-z][A-Za-z0-9_-]*)(?:=(.*))?$/s;

/** `64` → 64, `true`/`false` → booleans, anything else (or an integer past 2^53) stays a string. */
function fieldValue(text: string): FieldValue {
  if (/^-?[0-9]+$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

/**
 * Takes a driver's own fields out of a command line: every long flag the
 * command does not define (`--cmd 64`, `--cmd=64`, or a bare `--set`, which
 * is true) is a field. A field's value is the next token unless that starts
 * with `--`. Everything after a lone `--` is left alone.
 */
export function splitFieldFlags(argv: readonly string[], known: ReadonlySet<string>): SplitArgv {
  const rest: string[] = [];
  const fields: Record<string, FieldValue> = {};
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const match = FIELD.exec(token);
    if (!match || known.has(match[1])) {
      rest.push(token);
      continue;
    }
    const name = match[1];
    let value: FieldValue = true;
    if (match[2] !== undefined) value = fieldValue(match[2]);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = fieldValue(argv[++i]);
    if (Object.hasOwn(fields, name)) {
      throw new UmdError('EINVAL', `expected each field once, got --${name} twice`);
    }
    fields[name] = value;
  }
  return { rest, fields };
}
