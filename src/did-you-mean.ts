/**
 * "did you mean ...?" for a mistyped key, option value or command: the closest known name by
 * edit distance, offered only when it is close enough to be the likely intent (at most a third
 * of the typed word changed, and never more than three edits).
 */

/** Levenshtein distance: the fewest single-character insertions, deletions or substitutions. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length];
}

/** The known name closest to `typed` (case ignored), or undefined when none is close. */
export function closest(typed: string, known: readonly string[]): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(typed.length / 3)));
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(typed.toLowerCase(), name.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** `; did you mean "listen"?`, or nothing when no known name is close. */
export function didYouMean(typed: string, known: readonly string[]): string {
  const name = closest(typed, known);
  return name === undefined ? '' : `; did you mean ${JSON.stringify(name)}?`;
}
