import type { RandomSource } from './random.js';

/** 32 symbols, so each is exactly 5 bits: lowercase letters and digits without 0/o and 1/l. */
const ALPHABET = '23456789abcdefghijkmnpqrstuvwxyz';
const BITS_PER_SYMBOL = 5;

/**
 * A random secret people read, write down and type (app passwords, recovery codes): `groups`
 * groups of `groupLength` unambiguous symbols joined by '-', carrying 5 bits per symbol.
 */
export class ReadableCode {
  readonly length: number;
  readonly entropyBits: number;
  readonly #groupLength: number;
  readonly #canonical: RegExp;

  constructor(readonly groups: number, groupLength: number) {
    this.length = groups * groupLength;
    this.entropyBits = this.length * BITS_PER_SYMBOL;
    this.#groupLength = groupLength;
    this.#canonical = new RegExp(`^[${ALPHABET}]{${this.length}}$`);
  }

  /** A new code in canonical form (no separators), from the CSPRNG's bits taken 5 at a time. */
  generate(random: RandomSource): string {
    const bytes = random(Math.ceil(this.entropyBits / 8));
    let out = '';
    let bits = 0;
    let value = 0;
    for (const byte of bytes) {
      value = (value << 8) | byte;
      bits += 8;
      while (bits >= BITS_PER_SYMBOL && out.length < this.length) {
        bits -= BITS_PER_SYMBOL;
        out += ALPHABET[(value >>> bits) & 31];
      }
      value &= (1 << bits) - 1;
    }
    return out;
  }

  /** xxxx-xxxx-… */
  format(canonical: string): string {
    return canonical.match(new RegExp(`.{${this.#groupLength}}`, 'g'))!.join('-');
  }

  /**
   * Accepts what users type or paste (any case, dashes or spaces between groups, full-width
   * forms); null when it cannot be one.
   */
  canonical(input: string): string | null {
    if (input.length > 2 * this.length) return null;
    const canonical = input.normalize('NFKC').toLowerCase().replace(/[-\s]/g, '');
    return this.#canonical.test(canonical) ? canonical : null;
  }
}
