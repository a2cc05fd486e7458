/**
 * "did you mean ...?" for a mistyped key or option value: the closest known name by edit
 * distance, offered only when it is close enough to be the likely intent (at most a third of the
 * typed word changed, and never more than three edits). Hand-written: twenty lines, no dependency.
 */

/**
 * Edit distance with adjacent transpositions (optimal string alignment): the fewest single-character
 * insertions, deletions, substitutions or swaps of two neighbours (`sycn` is one edit from `sync`).
 */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The known name closest to `typed` (case ignored), or undefined when none is close. A known name
 * that starts with what was typed (`apiKey` for `apiKeyEnv`) counts as close too.
 */
export function closest(typed: string, known: readonly string[]): string | undefined {
  const word = typed.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(word, name.toLowerCase());
    const close = distance <= limit || (word.length >= 4 && name.toLowerCase().startsWith(word));
    if (close && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** `; did you mean "listen"?`, or nothing when no known name is close. */
export function didYouMean(typed: string, known: readonly string[]): string {
  const name = closest(typed, known);
  return name === undefined ? '' : `; did you mean ${JSON.stringify(name)}?`;
}
