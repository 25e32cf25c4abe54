// The manager of the c-upper example: umd imports this module from the
// package (driver.json "manager": "./manager.mjs") and calls its hooks.
// Input: 1 to 64 bytes of text. Request: the text, zero-padded to 64 bytes.
// Reply: the same 64 bytes in upper case, or the handler is not trusted.
const SIZE = 64;

/**
 * An Error whose `code` is an errno name becomes umd's own error with that code.
 * @param {string} message
 */
function invalid(message) {
  return Object.assign(new Error(message), { code: 'EINVAL' });
}

/** @param {string} text */
function encode(text) {
  const request = Buffer.alloc(SIZE);
  request.write(text, 'utf8');
  return request;
}

/** @type {import('umd').ManagerHooks<string, { upper: string }>} */
const manager = {
  name: 'upper_mgr',
  handlerName: 'upper_umh',
  requestSize: SIZE,
  replySize: SIZE,
  parseInput(input) {
    const text = input.replace(/\n$/, '');
    if (!/^[\x20-\x7e]{1,64}$/.test(text)) throw invalid(`expected 1 to ${SIZE} printable ASCII characters, got ${JSON.stringify(input)}`);
    return text;
  },
  encode,
  checkReply(reply, text) {
    if (!reply.equals(encode(text.toUpperCase()))) throw invalid('the reply is not the request in upper case');
    return { upper: text.toUpperCase() };
  },
  formatResult: (result) => result.upper,
  async postStart(send) {
    const reply = await send(encode('ping'));
    if (!reply.equals(encode('PING'))) throw invalid('the health check got a wrong reply');
  },
};

export default manager;
