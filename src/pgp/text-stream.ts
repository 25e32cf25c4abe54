/**
 * A text signature's data (type 0x01) is hashed with its line endings as
 * CR LF (RFC 9580 5.2.1.2). Fed in chunks: a lone LF becomes CR LF, even
 * when its CR ended the previous chunk.
 */
export class TextCanonicalizer {
  #lastWasCr = false;

  push(chunk: Buffer): Buffer {
    const out: number[] = [];
    for (const byte of chunk) {
      if (byte === 0x0a && !this.#lastWasCr) out.push(0x0d);
      out.push(byte);
      this.#lastWasCr = byte === 0x0d;
    }
    return Buffer.from(out);
  }

  end(): Buffer {
    return Buffer.alloc(0);
  }
}
