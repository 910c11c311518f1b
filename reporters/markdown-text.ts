import type { SourceRef } from '../src/spec/spec-types.ts';
import type { ReportSpec } from './report-types.ts';

/**
 * Text for `conformance.md`, which GitHub renders as a pull-request comment or a job summary. An endpoint
 * controls much of what a finding says — its error codes and messages, request ids, names, bodies quoted in a
 * headline — and GitHub renders HTML inside Markdown: a RequestId of `<script>…` or `<img src=…>` must arrive
 * as text, and `[x](…)` or `**` from an answer must not turn into a link or emphasis.
 */

/**
 * Text from an endpoint (an error code, a headline, a default name) inside a Markdown line or table cell:
 * markup characters and `|` escaped, `<`, `>` and `&` as entities (no HTML reaches the page), control characters
 * and line breaks as spaces (a break would end the list item or the row), and an `@` before a name followed by
 * a zero-width space, so that `@someone` in an answer notifies no one when the report is posted as a comment
 * (what Dependabot and Renovate do with the release notes they quote).
 */
export function markdownText(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/@(?=[A-Za-z0-9])/g, '@&#8203;');
}

/**
 * Text as inline code: no markup applies inside, so only the code span itself must hold — it is opened and
 * closed with more backticks than any run inside, and a `|` escaped (a table cell ends at one even there).
 * Line breaks and control characters become spaces.
 */
export function markdownCode(text: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').replaceAll('|', '\\|');
  const fence = '`'.repeat(Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Text as a fenced code block: the fence longer than any backtick run inside, so nothing inside can close it. */
export function markdownCodeBlock(text: string, language = ''): string {
  const fence = '`'.repeat(Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

/** A URL as a Markdown link destination: http(s) only, with the characters that would end it percent-encoded. */
function linkTarget(url: string): string | undefined {
  if (!/^https?:\/\//i.test(url)) return undefined;
  return url.replace(/[\s()<>[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/**
 * One source reference as Markdown: the document's title, linked to the vendor's page where the spec gives
 * one (`x-sources.<doc>.url`), then the section — `[CreateSnapshot - Tencent Cloud CBS … ](https://…) § 2. Input
 * Parameters`. A document without a published page (a transcription, the project's reference notes) is named
 * by its title and id.
 */
export function markdownSource(ref: SourceRef, sources: ReportSpec['sources'] | undefined): string {
  const doc = sources?.[ref.doc];
  const url = doc?.url === undefined ? undefined : linkTarget(doc.url);
  const name = doc ? `${markdownText(doc.title)} (${markdownText(ref.doc)})` : markdownText(ref.doc);
  return `${url ? `[${name}](${url})` : name} § ${markdownText(ref.section)}`;
}
