const CR = Buffer.from('\r');

/**
 * A text signature's data (type 0x01) is hashed with its line endings as
 * CR LF (RFC 9580 5.2.1.2). Fed in chunks: a lone LF becomes CR LF, even
 * when its CR ended the previous chunk.
 */
export class TextCanonicalizer {
  #lastWasCr = false;

  push(chunk: Buffer): Buffer {
    const parts: Buffer[] = [];
    let from = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, nl + 1)) {
      const before = nl > 0 ? chunk[nl - 1] === 0x0d : this.#lastWasCr;
      if (!before) {
        parts.push(chunk.subarray(from, nl), CR);
        from = nl;
      }
    }
    if (chunk.length > 0) this.#lastWasCr = chunk[chunk.length - 1] === 0x0d;
    if (from === 0 && parts.length === 0) return chunk;
    parts.push(chunk.subarray(from));
    return Buffer.concat(parts);
  }

  end(): Buffer {
    return Buffer.alloc(0);
  }
}
