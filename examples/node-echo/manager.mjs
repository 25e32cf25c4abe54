// The manager of the node-echo example driver: umd imports this module from
// the package (driver.json "manager": "./manager.mjs") and calls its hooks.
// Input: a text of at most 64 bytes. Request: the text, zero-padded to 64
// bytes. Reply: the same 64 bytes, or the handler is not an echo.
const SIZE = 64;

function invalid(message) {
  // umd cannot be imported from here; an Error whose `code` is an errno name
  // is turned into umd's own error with that code.
  return Object.assign(new Error(message), { code: 'EINVAL' });
}

function encode(text) {
  const request = Buffer.alloc(SIZE);
  request.write(text, 'utf8');
  return request;
}

function check(reply, request) {
  if (!reply.equals(request)) throw invalid('the reply differs from the request');
}

export default {
  name: 'echo_mgr',
  handlerName: 'echo_umh',
  requestSize: SIZE,
  replySize: SIZE,
  parseInput(input) {
    const text = input.replace(/\n$/, '');
    const bytes = Buffer.byteLength(text);
    if (bytes === 0 || bytes > SIZE || text.includes('\0')) {
      throw invalid(`expected 1 to ${SIZE} bytes of text without NUL, got ${JSON.stringify(input)}`);
    }
    return text;
  },
  encode,
  checkReply(reply, text) {
    check(reply, encode(text));
    return { echoed: text };
  },
  formatResult: (result) => `echoed ${JSON.stringify(result.echoed)}`,
  async postStart(send) {
    const ping = encode('ping');
    check(await send(ping), ping);
  },
};
