import test from 'ava';
import { UmdError } from '../../src/core/errors.js';
import { encodeSampleRequest, parseSampleInput, sampleManager } from '../../src/managers/sample.js';

const accepts = test.macro({
  exec(t, input: string, offset: number) {
    t.deepEqual(parseSampleInput(input), { offset });
  },
  title: (_given, input: string, offset: number) => `sample input ${JSON.stringify(input)} is offset ${offset}`,
});

const rejects = test.macro({
  exec(t, input: string, message: RegExp) {
    const error = t.throws(() => parseSampleInput(input), { instanceOf: UmdError });
    t.is(error?.code, 'EINVAL');
    t.regex(error?.message ?? '', message);
  },
  title: (_given, input: string) => `sample input ${JSON.stringify(input)} is EINVAL`,
});

test(accepts, '0', 0);
test(accepts, '1024', 1024);
test(accepts, '131071', 131071);
test(accepts, '1024\n', 1024);
test(accepts, '+5', 5);
test(accepts, '0000007', 7);

test(rejects, '', /expected a decimal offset, got ""/);
test(rejects, '\n', /expected a decimal offset/);
test(rejects, '131072', /offset must be below 131072, got 131072/);
test(rejects, '9999999', /offset must be below 131072, got 9999999/);
test(rejects, '12345678', /shorter than 8 bytes, got 8 bytes/);
test(rejects, '1024\n\n', /expected a decimal offset/);
test(rejects, '-1', /expected a decimal offset, got "-1"/);
test(rejects, ' 1', /expected a decimal offset/);
test(rejects, '1 ', /expected a decimal offset/);
test(rejects, '0x10', /expected a decimal offset/);
test(rejects, '1e3', /expected a decimal offset/);
test(rejects, '١٢', /expected a decimal offset/);

test('a sample request is the offset as 4 little-endian bytes', (t) => {
  t.deepEqual([...encodeSampleRequest({ offset: 0x12345 })], [0x45, 0x23, 0x01, 0x00]);
  t.is(sampleManager.requestSize, 4);
  t.is(sampleManager.replySize, 131072);
});

test('a sample reply passes only when the byte at the offset is 1', (t) => {
  const reply = Buffer.alloc(131072);
  reply[4096] = 1;
  t.deepEqual(sampleManager.checkReply(reply, { offset: 4096 }, '4096\n'), { bytes: 5, offset: 4096 });
  const error = t.throws(() => sampleManager.checkReply(reply, { offset: 1024 }, '1024'), { instanceOf: UmdError });
  t.is(error?.code, 'EINVAL');
  t.is(error?.message, "sample: the handler's reply has byte 1024 = 0, expected 1");
});
