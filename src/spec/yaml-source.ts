import { readFileSync } from 'node:fs';
import { LineCounter, parse, parseDocument, isNode, type Document } from 'yaml';
import { SpecError } from './spec-error.ts';

/** A parsed YAML file that can tell the line of any JSON pointer in it. */
export interface YamlSource {
  readonly file: string;
  readonly data: unknown;
  /** The 1-based line where the value at `pointer` starts, or of its nearest parent that exists. */
  lineOf(pointer: string): number | undefined;
}

/** Splits a JSON pointer (RFC 6901) into its unescaped segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Builds a JSON pointer from segments. */
export function toPointer(segments: ReadonlyArray<string | number>): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/**
 * Parses YAML text. A syntax error becomes a {@link SpecError} with the line, never a stack trace.
 */
export function parseYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const [first] = doc.errors;
  if (first) {
    const line = lineCounter.linePos(first.pos[0]).line;
    throw new SpecError(file, '', `YAML syntax error: ${first.message.split('\n')[0]}`, line);
  }
  const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  return {
    file,
    data,
    lineOf(pointer) {
      const path: Array<string | number> = pointerSegments(pointer).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
      while (true) {
        const node = doc.getIn(path, true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
        if (path.length === 0) return undefined;
        path.pop();
      }
    },
  };
}

/**
 * Reads a user's YAML input file (a target file, a seed world): its data, or why it cannot be read, as the
 * end of a one-line message — `no such file; <missingHint>`, or `not valid YAML: <first line of the reason>`.
 */
export function readYamlFile(file: string, missingHint: string): { data: unknown } | { problem: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: code === 'ENOENT' ? `no such file; ${missingHint}` : `cannot read the file (${code ?? String(error)})` };
  }
  try {
    return { data: parse(text) as unknown };
  } catch (error) {
    return { problem: `not valid YAML: ${(error as Error).message.split('\n')[0]}` };
  }
}
