/** Escapes text for an XML element. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function elements(name: string, value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => elements(name, item)).join('');
  if (value !== null && typeof value === 'object') {
    return `<${name}>${Object.entries(value).map(([key, item]) => elements(key, item)).join('')}</${name}>`;
  }
  return `<${name}>${escape(value === undefined || value === null ? '' : String(value))}</${name}>`;
}

/**
 * Writes an answer as Alibaba's XML does: the root named after the response (`CreateSnapshotResponse`,
 * `Error`), one element per field, and an array as repeated elements of its field's name, so that JSON's
 * `Snapshots: {Snapshot: [...]}` becomes `<Snapshots><Snapshot>…</Snapshot><Snapshot>…</Snapshot></Snapshots>`
 * (reference §A2).
 */
export function toXml(root: string, value: Record<string, unknown>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${elements(root, value)}`;
}
