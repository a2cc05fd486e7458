/**
 * An append-only typed array that doubles its capacity: a million pushes cost a few copies of a
 * few megabytes instead of a million boxed numbers for the garbage collector.
 */
type TypedArray = Float64Array | Uint32Array | Uint8Array;

export class Growable<T extends TypedArray> {
  private buffer: T;
  length = 0;

  constructor(
    private readonly make: (capacity: number) => T,
    capacity = 1024,
  ) {
    this.buffer = make(Math.max(16, capacity));
  }

  push(value: number): void {
    if (this.length === this.buffer.length) this.reserve(1);
    this.buffer[this.length++] = value;
  }

  /**
   * Room for `extra` more values: returns the backing array, to be written from `length` on by
   * a hot loop that then advances `length` itself (no call and no capacity check per value).
   */
  reserve(extra: number): T {
    if (this.length + extra > this.buffer.length) {
      const bigger = this.make(Math.max(this.buffer.length * 2, this.length + extra));
      bigger.set(this.buffer.subarray(0, this.length));
      this.buffer = bigger;
    }
    return this.buffer;
  }

  append(values: ArrayLike<number>): void {
    this.reserve(values.length).set(values, this.length);
    this.length += values.length;
  }

  /** A view of the filled part (no copy; valid until the next push). */
  view(): T {
    return this.buffer.subarray(0, this.length) as T;
  }
}

export const growableFloat64 = (capacity?: number) => new Growable((n) => new Float64Array(n), capacity);
export const growableUint32 = (capacity?: number) => new Growable((n) => new Uint32Array(n), capacity);
export const growableUint8 = (capacity?: number) => new Growable((n) => new Uint8Array(n), capacity);
