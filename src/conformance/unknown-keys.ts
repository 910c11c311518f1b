/**
 * The first key of `mapping` that is not in `known`, with what to write instead: the nearest known key when
 * one is close enough to be the typo (`maxSnapshot` → `maxSnapshots`), else the list of known keys. A key the
 * reader does not know would otherwise be ignored silently — a mistyped budget runs with the default one.
 */
export function unknownKeyIn(mapping: Record<string, unknown>, known: ReadonlyArray<string>): { key: string; fix: string } | undefined {
  const key = Object.keys(mapping).find((k) => !known.includes(k));
  if (key === undefined) return undefined;
  const nearest = nearestKey(key, known);
  return { key, fix: nearest !== undefined ? `did you mean \`${nearest}\`?` : `known keys: ${known.join(', ')}` };
}

/**
 * The known key a typo most likely meant: fewest edits (case ignored), within a third of the longer name —
 * enough for a dropped, doubled or swapped letter or a wrong case, not for an unrelated word.
 */
export function nearestKey(key: string, known: ReadonlyArray<string>): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase());
    if (distance <= Math.max(1, Math.floor(Math.max(key.length, name.length) / 3)) && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** Levenshtein distance, with a swap of two neighbouring letters counting as one edit (a common typo). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i]!;
      const above = rows[i - 1]!;
      row[j] = Math.min(above[j]! + 1, row[j - 1]! + 1, above[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, rows[i - 2]![j - 2]! + 1);
    }
  }
  return rows[a.length]![b.length]!;
}
