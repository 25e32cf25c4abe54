/**
 * Bash's $RANDOM (bash 5.1 and later): a Park-Miller "minimal standard"
 * generator whose 32-bit state is folded to 15 bits, and which never returns
 * the same value twice in a row. Seeded like `RANDOM=<seed>`, it yields the
 * same numbers bash does, so `umd selftest --seed N` replays what
 * `RANDOM=N; ...` would have sent.
 */
export class BashRandom {
  #state: number;
  #last = 0;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  next(): number {
    let value: number;
    do {
      this.#state = step(this.#state);
      value = ((this.#state >>> 16) ^ (this.#state & 0xffff)) & 0x7fff;
    } while (value === this.#last);
    this.#last = value;
    return value;
  }
}

function step(last: number): number {
  const x = last === 0 ? 123459876 : last;
  const h = Math.floor(x / 127773);
  const l = x - 127773 * h;
  const t = 16807 * l - 2836 * h;
  return t < 0 ? t + 0x7fffffff : t;
}
