import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SPEC_FILES } from '../../src/vendors/registry.ts';

/**
 * Every citation in the specs holds against the document it names (issue 16): each `quote` is in the
 * document verbatim (whitespace-normalized, markdown escapes undone), and each `section` names a heading the
 * document has. specs/README.md ("Sources") gives the forms a section may take; in short:
 *
 * - a heading, as the document prints it without its markup (`#`, `{#anchor}`, a trailing `[DOC + RUN]` tag,
 *   backticks and straight double quotes): `A1.1 V2 RPC signature (HMAC-SHA1; SignatureVersion=1.0)`;
 *   in a page flattened to text (the CreateSnapshotGroup seed), a numbered line such as `2. Input Parameters`;
 * - a heading narrowed to a part of it: `<heading> (<part>)`, `<heading> #<n>` or `<heading>, #<n>…`
 *   (a capture), or `<heading> › <heading below it>`;
 * - in a page without any heading (the current intl CreateSnapshot seed), one of its tables by its header
 *   row, `table: Error Code | Description`, or a passage by its opening line, `passage: <the whole line>`.
 */

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const SHARED = resolve(ROOT, '../shared');

interface Citation { spec: string; pointer: string; doc: string; section: string; quote?: string }

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every source reference of a spec (`source`, `x-source`, one or a list), with where it sits. */
function citations(file: string): { sources: Record<string, { file: string }>; list: Citation[] } {
  const doc = parse(readFileSync(resolve(ROOT, file), 'utf8')) as { [key: string]: Json };
  const sources = (doc['info'] as { 'x-sources': Record<string, { file: string }> })['x-sources'];
  const list: Citation[] = [];
  const walk = (value: Json, path: string): void => {
    if (Array.isArray(value)) { value.forEach((item, i) => walk(item, `${path}/${i}`)); return; }
    if (value === null || typeof value !== 'object') return;
    for (const [key, item] of Object.entries(value)) {
      const at = `${path}/${key}`;
      if ((key === 'source' || key === 'x-source') && item !== null && typeof item === 'object') {
        const refs = Array.isArray(item) ? item : [item];
        refs.forEach((ref, i) => {
          const { doc: id, section, quote } = ref as { doc: string; section: string; quote?: string };
          list.push({ spec: file, pointer: Array.isArray(item) ? `${at}/${i}` : at, doc: id, section: String(section), ...(quote === undefined ? {} : { quote: String(quote) }) });
        });
      } else {
        walk(item, at);
      }
    }
  };
  walk(doc, '');
  return { sources, list };
}

/** Whitespace runs become one space; markdown backslash escapes (`INVALID\_DISK`) are undone. */
function normalize(text: string): string {
  return text.replace(/\\([\\`*_{}[\]()#+\-.!|<>~])/g, '$1').replace(/\s+/g, ' ').trim();
}

/**
 * The text as a reader sees it rendered: markdown code and bold markers (backticks, `**`) and a link's
 * target are markup, not words, so a quote leaves them out (`Limit: default 20, max 100` quotes
 * "`Limit`: default 20, max 100"; `see … the API DescribeDisks` quotes "[DescribeDisks](/document/…)").
 */
function rendered(text: string): string {
  return normalize(text.replace(/\[([^\]\n]*)\]\([^)\s]*\)/g, '$1').replace(/\*\*|`/g, ''));
}

/** A heading as cited: without `#`, `{#anchor .class}`, a trailing `[DOC …]` tag, backticks and straight double quotes. */
function headingText(line: string): string {
  return normalize(line.replace(/^#+\s*/, '').replace(/\{[^}]*\}\s*$/, '').replace(/\[[A-Z0-9 +]+\]\s*$/, '').replace(/[`"]/g, ''));
}

interface Outline {
  text: string;
  headings: Array<{ text: string; level: number }>;
  lines: Set<string>;
  tables: Set<string>;
}

const outlines = new Map<string, Outline>();

function outline(file: string): Outline {
  const cached = outlines.get(file);
  if (cached) return cached;
  const raw = readFileSync(resolve(SHARED, file), 'utf8');
  const rawLines = raw.split(/\r?\n/);
  let fence = false;
  const headings: Outline['headings'] = [];
  const tables = new Set<string>();
  rawLines.forEach((line, i) => {
    if (/^\s*```/.test(line)) { fence = !fence; return; }
    if (fence) return;
    const atx = /^(#+)\s/.exec(line);
    if (atx) headings.push({ text: headingText(line), level: atx[1]!.length });
    if (line.startsWith('|') && /^\|?\s*:?-+/.test(rawLines[i + 1] ?? '')) {
      tables.add(line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((cell) => normalize(cell)).join(' | '));
    }
  });
  // A page flattened to text: its numbered section lines ("2. Input Parameters") are its headings.
  if (headings.length === 0) {
    for (const line of rawLines) if (/^\d+\. [A-Z]/.test(line.trim()) && line.trim().length < 60) headings.push({ text: normalize(line), level: 2 });
  }
  const result = { text: rendered(raw), headings, lines: new Set(rawLines.map(normalize).filter(Boolean)), tables };
  outlines.set(file, result);
  return result;
}

/** Why a section does not name a heading of the document, or undefined when it does. */
function sectionProblem(section: string, file: string): string | undefined {
  const { headings, lines, tables } = outline(file);
  if (headings.length === 0) {
    const cited = normalize(section);
    if (cited.startsWith('table: ')) return tables.has(cited.slice('table: '.length)) ? undefined : `no table with the header row '${cited.slice(7)}'`;
    if (cited.startsWith('passage: ')) return lines.has(cited.slice('passage: '.length)) ? undefined : `no line '${cited.slice(9)}'`;
    return "the document has no headings: cite 'table: <header row>' or 'passage: <opening line>'";
  }
  const cited = headingText(section);
  const [outer, inner] = cited.split(' › ');
  const start = headings.findIndex((h) => outer === h.text || outer!.startsWith(`${h.text} (`) || outer!.startsWith(`${h.text} #`) || outer!.startsWith(`${h.text}, #`));
  if (start < 0) return `no heading '${outer}'`;
  if (inner === undefined) return undefined;
  const level = headings[start]!.level;
  for (const h of headings.slice(start + 1)) {
    if (h.level <= level) break;
    if (h.text === inner) return undefined;
  }
  return `no heading '${inner}' under '${headings[start]!.text}'`;
}

/** A quote's text is in the document, whitespace-normalized. */
function quoteProblem(quote: string, file: string): string | undefined {
  return outline(file).text.includes(rendered(quote)) ? undefined : 'not in the document verbatim';
}

describe('the specs cite their documents faithfully', () => {
  for (const file of Object.values(SPEC_FILES)) {
    const { sources, list } = citations(file);

    it(`${file}: every quote is in its document verbatim`, () => {
      const problems = list.filter((c) => c.quote !== undefined && sources[c.doc])
        .map((c) => [c, quoteProblem(c.quote!, sources[c.doc]!.file)] as const)
        .filter(([, problem]) => problem)
        .map(([c, problem]) => `${c.pointer} (${c.doc}): "${c.quote}": ${problem}`);
      expect(problems).toEqual([]);
      expect(list.filter((c) => c.quote !== undefined).length, 'quotes were found (the walk is sound)').toBeGreaterThan(5);
    });

    it(`${file}: every cited section is a heading of its document`, () => {
      const problems = list.filter((c) => sources[c.doc])
        .map((c) => [c, sectionProblem(c.section, sources[c.doc]!.file)] as const)
        .filter(([, problem]) => problem)
        .map(([c, problem]) => `${c.pointer} (${c.doc}): '${c.section}': ${problem}`);
      expect([...new Set(problems)]).toEqual([]);
    });

    it(`${file}: every vendor page it cites has a link, so a report's sources are links`, () => {
      const pages = Object.entries(sources as Record<string, { file: string; url?: string }>).filter(([, s]) => s.file.startsWith('seeds/'));
      expect(pages.length).toBeGreaterThan(0);
      expect(pages.filter(([, s]) => !/^https:\/\/[^\s]+$/.test(s.url ?? '')).map(([doc]) => doc)).toEqual([]);
    });
  }

  it('the checks catch a paraphrase, a missing section and a wrong sub-heading (they are not vacuous)', () => {
    const ref = 'reference/tencent-cbs.md';
    expect(quoteProblem('if the difference is over five minutes, the call will definitely fail', ref)).toBeUndefined();
    expect(quoteProblem('if the difference exceeds five minutes, the call fails', ref)).toBeDefined();
    expect(sectionProblem('1.1 TC3-HMAC-SHA256 (signature v3): the algorithm', ref)).toBeUndefined();
    expect(sectionProblem('3.3 DescribeSnapshots (Input)', ref)).toBeUndefined();
    expect(sectionProblem('7. Signing', ref)).toBeDefined();
    expect(sectionProblem('2. Input Parameters', 'seeds/tencent-cbs-CreateSnapshot-intl.md')).toBeDefined();
    expect(sectionProblem('table: Error Code | Description', 'seeds/tencent-cbs-CreateSnapshot-intl.md')).toBeUndefined();
    expect(sectionProblem('2. Input Parameters', 'seeds/tencent-cbs-CreateSnapshotGroup-intl.md')).toBeUndefined();
    expect(sectionProblem('B3. ZEC CreateSnapshot and companions › IDs', 'reference/alibaba-ecs-and-zenlayer-zec.md')).toBeUndefined();
    expect(sectionProblem('B3. ZEC CreateSnapshot and companions › A3.4 IDs', 'reference/alibaba-ecs-and-zenlayer-zec.md')).toBeDefined();
  });
});
