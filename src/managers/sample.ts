import { UmdError } from '../core/errors.js';
import { count } from '../core/plural.js';
import { quote } from '../core/quote.js';
import type { ManagerHooks } from './types.js';

/** The reply's size: `uint8 data[128 * 1024]`, twice a pipe's capacity. */
export const SAMPLE_REPLY_SIZE = 128 * 1024;
/** The request's size: one `uint32` offset. */
export const SAMPLE_REQUEST_SIZE = 4;
/** Input is at most 7 bytes, as in the kernel's `char offset_str[8]`. */
const MAX_INPUT = 7;

export interface SampleRequest {
  offset: number;
}

export interface SampleResult {
  /** Bytes of input accepted, like the return value of write(2). */
  bytes: number;
  offset: number;
}

/** Parses the user's input as the kernel's sample manager does (kstrtou32, base 10). */
export function parseSampleInput(input: string): SampleRequest {
  const bytes = Buffer.byteLength(input);
  if (bytes > MAX_INPUT) {
    throw new UmdError('EINVAL', `sample: input must be shorter than 8 bytes, got ${bytes} bytes (${quote(input)})`, {
      suggestions: [`Send a decimal offset from 0 to ${SAMPLE_REPLY_SIZE - 1}, e.g. \`umd send sample 1024\``],
    });
  }
  // kstrtou32: an optional '+', decimal digits, and one optional trailing newline.
  const match = /^\+?([0-9]+)\n?$/.exec(input);
  if (!match) {
    throw new UmdError('EINVAL', `sample: expected a decimal offset, got ${quote(input)}`, {
      suggestions: [`Send a decimal offset from 0 to ${SAMPLE_REPLY_SIZE - 1}, e.g. \`umd send sample 1024\``],
    });
  }
  const offset = Number(match[1]);
  if (offset >= SAMPLE_REPLY_SIZE) {
    throw new UmdError('EINVAL', `sample: offset must be below ${SAMPLE_REPLY_SIZE}, got ${offset}`, {
      suggestions: [`Send a decimal offset from 0 to ${SAMPLE_REPLY_SIZE - 1}`],
    });
  }
  return { offset };
}

export function encodeSampleRequest(request: SampleRequest): Buffer {
  const buf = Buffer.allocUnsafe(SAMPLE_REQUEST_SIZE); // from Node's pool, every byte written below
  buf.writeUInt32LE(request.offset, 0);
  return buf;
}

/** The reply is right when the byte at the requested offset is 1. */
export function checkSampleReply(reply: Buffer, offset: number): void {
  if (reply[offset] !== 1) {
    throw new UmdError('EINVAL', `sample: the handler's reply has byte ${offset} = ${reply[offset]}, expected 1`, {
      suggestions: ['The handler answered wrongly'],
      topic: 'handler',
    });
  }
}

/** The kernel sample's manager (`sample_mgr`). */
export const sampleManager: ManagerHooks<SampleRequest, SampleResult> = {
  name: 'sample_mgr',
  handlerName: 'sample_umh',
  loaderName: 'sample_loader_kmod',
  requestSize: SAMPLE_REQUEST_SIZE,
  replySize: SAMPLE_REPLY_SIZE,
  parseInput: parseSampleInput,
  encode: encodeSampleRequest,
  checkReply(reply, request, input) {
    checkSampleReply(reply, request.offset);
    return { bytes: Buffer.byteLength(input), offset: request.offset };
  },
  async postStart(send) {
    const reply = await send(encodeSampleRequest({ offset: 0 }));
    checkSampleReply(reply, 0);
  },
  formatResult: (result) => `${count(result.bytes, 'byte')} accepted`,
};
