/**
 * Answers computed once per key, for what repeats on every poll (a firewall's address, the
 * Accept-Encoding value its HTTP client sends). Bounded: past `limit` keys it starts afresh, so a
 * crowd of keys costs one computation per request, as without it, never memory.
 */
export class BoundedMemo<V> {
  private readonly answers = new Map<string, V>();

  constructor(
    private readonly limit: number,
    private readonly compute: (key: string) => V,
  ) {}

  get(key: string): V {
    let answer = this.answers.get(key);
    if (answer === undefined) {
      answer = this.compute(key);
      if (this.answers.size >= this.limit) this.answers.clear();
      this.answers.set(key, answer);
    }
    return answer;
  }
}
