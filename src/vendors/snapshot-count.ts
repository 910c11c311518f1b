/** A describe answer's total count (TotalCount, totalCount): a whole number, or undefined when the answer has none. */
export function totalOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}
