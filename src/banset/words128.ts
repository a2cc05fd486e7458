/**
 * IPv6 addresses as four big-endian 32-bit words in a Uint32Array (word 0 the most significant):
 * the form the million-entry path keeps them in, so parsing, sorting, aggregating and writing
 * IPv6 allocate nothing per address. BigInt stays at the edges (Prefix6 for callers, and the rare
 * ranges that must be split), where a few conversions cost nothing.
 */
export const WORDS6 = 4;

/** Compares `a` at `ai` with `b` at `bi` as unsigned 128-bit numbers: negative, 0 or positive. */
export function compare128(a: Uint32Array, ai: number, b: Uint32Array, bi: number): number {
  for (let k = 0; k < WORDS6; k++) {
    const x = a[ai + k];
    const y = b[bi + k];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The bits of word `k` that lie past the first `length` bits (the host part), as a mask. */
function hostMask(length: number, k: number): number {
  const networkBits = length - 32 * k;
  return networkBits >= 32 ? 0 : networkBits <= 0 ? 0xffffffff : 0xffffffff >>> networkBits;
}

/** Writes into `dst` at `di` the last address of the /length block that starts at `src[si]`. */
export function blockEnd128(src: Uint32Array, si: number, length: number, dst: Uint32Array, di: number): void {
  for (let k = 0; k < WORDS6; k++) dst[di + k] = (src[si + k] | hostMask(length, k)) >>> 0;
}

/** True when every bit after the first `length` is zero, i.e. the address is a /length network. */
export function isNetwork128(words: Uint32Array, at: number, length: number): boolean {
  for (let k = 0; k < WORDS6; k++) if ((words[at + k] & hostMask(length, k)) !== 0) return false;
  return true;
}

/** True when `a` at `ai` is exactly one more than `b` at `bi` (the next block starts right after). */
export function isSuccessor128(a: Uint32Array, ai: number, b: Uint32Array, bi: number): boolean {
  let k = WORDS6 - 1;
  while (k >= 0 && b[bi + k] === 0xffffffff) {
    if (a[ai + k] !== 0) return false;
    k--;
  }
  if (k < 0 || a[ai + k] !== b[bi + k] + 1) return false;
  for (let j = 0; j < k; j++) if (a[ai + j] !== b[bi + j]) return false;
  return true;
}

export function toBigInt128(words: ArrayLike<number>, at: number): bigint {
  return (BigInt(words[at]) << 96n) | (BigInt(words[at + 1]) << 64n) | (BigInt(words[at + 2]) << 32n) | BigInt(words[at + 3]);
}

export function fromBigInt128(value: bigint, dst: Uint32Array, di: number): void {
  dst[di] = Number((value >> 96n) & 0xffffffffn);
  dst[di + 1] = Number((value >> 64n) & 0xffffffffn);
  dst[di + 2] = Number((value >> 32n) & 0xffffffffn);
  dst[di + 3] = Number(value & 0xffffffffn);
}
