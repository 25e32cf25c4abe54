import { UmdError } from '../core/errors.js';
import { OP_NAMES, type OpName, type RequestFrame } from './messages.js';

function bad(what: string, got: unknown): UmdError {
  const shown = JSON.stringify(got);
  return new UmdError('EPROTO', `bad control message: expected ${what}, got ${shown === undefined ? 'nothing' : shown.slice(0, 80)}`);
}

/**
 * Checks a decoded frame's envelope: `{id, op, params}`; params are checked by
 * each op. A bad frame still yields its id when it has a usable one, so the
 * error reply can be matched to the request.
 */
export function parseRequestFrame(text: string): { id: number; frame: RequestFrame } | { id: number; error: UmdError } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { id: 0, error: bad('a JSON object', text.slice(0, 80)) };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { id: 0, error: bad('a JSON object', raw) };
  const { id, op, params } = raw as Record<string, unknown>;
  if (!Number.isSafeInteger(id)) return { id: 0, error: bad('"id" to be an integer', id) };
  const frameId = id as number;
  if (typeof op !== 'string' || !(OP_NAMES as readonly string[]).includes(op)) {
    return { id: frameId, error: bad(`"op" to be one of ${OP_NAMES.join(', ')}`, op) };
  }
  if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
    return { id: frameId, error: bad('"params" to be an object', params) };
  }
  return { id: frameId, frame: { id: frameId, op: op as OpName, params: params ?? {} } };
}

/** Reads a required string parameter. */
export function stringParam(params: object, name: string): string {
  const value = (params as Record<string, unknown>)[name];
  if (typeof value !== 'string') throw new UmdError('EINVAL', `expected parameter "${name}" to be a string, got ${JSON.stringify(value) ?? 'nothing'}`);
  return value;
}

/** Reads an optional positive integer parameter. */
export function optionalIntParam(params: object, name: string, max = 86_400_000): number | undefined {
  const value = (params as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || (value as number) <= 0 || (value as number) > max) {
    throw new UmdError('EINVAL', `expected parameter "${name}" to be an integer from 1 to ${max}, got ${JSON.stringify(value)}`);
  }
  return value as number;
}

/** Reads an optional list of directories. */
export function optionalPathListParam(params: object, name: string): string[] | undefined {
  const value = (params as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > 64 || value.some((v) => typeof v !== 'string' || !v.startsWith('/'))) {
    throw new UmdError('EINVAL', `expected parameter "${name}" to be a list of absolute directories, got ${JSON.stringify(value).slice(0, 80)}`);
  }
  return value as string[];
}
