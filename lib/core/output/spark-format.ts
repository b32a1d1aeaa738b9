const RULE = '-------------------------------------------';

/**
 * Formats a value as Spark prints it: tuples as `(a,1)`, strings bare, other values as JSON.
 */
export function formatSparkValue(value: unknown): string {
  if (Array.isArray(value)) return `(${value.map(formatSparkValue).join(',')})`;
  if (typeof value === 'string') return value;
  if (value === undefined) return 'None';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value) ?? String(value);
}

/**
 * Spark's `DStream.print(num)` block: a header with the batch time, then the first `num`
 * elements and `...` when there are more.
 *
 * @example
 * formatPrintBlock(1000, [['a', 1]], 10);
 * // -------------------------------------------
 * // Time: 1000 ms
 * // -------------------------------------------
 * // (a,1)
 */
export function formatPrintBlock(batchTime: number, values: readonly unknown[], num: number): string {
  const lines = [RULE, `Time: ${batchTime} ms`, RULE];
  for (const value of values.slice(0, num)) lines.push(formatSparkValue(value));
  if (values.length > num) lines.push('...');
  return `${lines.join('\n')}\n`;
}
