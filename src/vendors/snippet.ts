/** The snapshot name the `emulate` snippets use. */
export const SNIPPET_SNAPSHOT_NAME = 'my-first-snapshot';

/** A JavaScript string literal of `value`, for the ready-to-paste snippets `snapconform emulate` prints. */
export function jsString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
