/** The `n` entries with the highest values, ties broken by key, so results are deterministic. */
export function topN<K>(pairs: readonly (readonly [K, number])[], n: number): (readonly [K, number])[] {
  return [...pairs].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0]))).slice(0, n);
}
