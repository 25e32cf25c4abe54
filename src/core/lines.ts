/** Splits a text stream into lines, keeping a partial last line until more text or `flush`. */
export class LineSplitter {
  #rest = '';
  readonly #onLine: (line: string) => void;
  readonly #maxLine: number;

  constructor(onLine: (line: string) => void, maxLine = 4096) {
    this.#onLine = onLine;
    this.#maxLine = maxLine;
  }

  push(text: string): void {
    const parts = (this.#rest + text).split('\n');
    this.#rest = parts.pop() ?? '';
    for (const line of parts) this.#emit(line);
    if (this.#rest.length > this.#maxLine) {
      this.#emit(this.#rest);
      this.#rest = '';
    }
  }

  flush(): void {
    if (this.#rest.length > 0) this.#emit(this.#rest);
    this.#rest = '';
  }

  #emit(line: string): void {
    const trimmed = line.replace(/\r$/, '');
    this.#onLine(trimmed.length > this.#maxLine ? `${trimmed.slice(0, this.#maxLine)}…` : trimmed);
  }
}
