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
    if (this.length === this.buffer.length) {
      const bigger = this.make(this.buffer.length * 2);
      bigger.set(this.buffer);
      this.buffer = bigger;
    }
    this.buffer[this.length++] = value;
  }

  /** A view of the filled part (no copy; valid until the next push). */
  view(): T {
    return this.buffer.subarray(0, this.length) as T;
  }
}

export const growableFloat64 = (capacity?: number) => new Growable((n) => new Float64Array(n), capacity);
export const growableUint32 = (capacity?: number) => new Growable((n) => new Uint32Array(n), capacity);
export const growableUint8 = (capacity?: number) => new Growable((n) => new Uint8Array(n), capacity);
