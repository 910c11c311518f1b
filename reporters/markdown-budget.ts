/**
 * Fitting `conformance.md` into a pull-request comment. GitHub refuses a comment over 65,536 characters, and a
 * run against a misbehaving endpoint easily has a hundred findings with their counterexamples. Rather than
 * truncating at a byte (and losing the end of the findings or breaking a code block), the Markdown keeps what
 * a reviewer reads first whole — the summary, the targets and the matrix — then the findings worst first: the
 * first ten whole, the next whole while room remains for the rest to get one line, then one line each, then a
 * count; sections after
 * the findings (coverage, skips…) only as they fit. A note at the top says what was cut and points to the HTML
 * report, which always has everything.
 */

/** The most a rendered `conformance.md` may hold: GitHub's comment limit (65,536) less room for a heading around it. */
export const MARKDOWN_LIMIT = 64_000;

/** How many findings, worst first, are shown whole whatever their number (as room allows). */
const LEADING_IN_FULL = 10;

/** One finding, as the full block and as the one line that stands for it when the full block does not fit. */
export interface MarkdownFinding {
  full: string[];
  brief: string;
}

/** A findings section: its heading and findings, worst first (sections come in order of importance). */
export interface MarkdownFindingSection {
  title: string;
  findings: MarkdownFinding[];
}

/** The pieces of the document, in order: what always stays, the findings, and the blocks after them. */
export interface MarkdownParts {
  head: string[];
  sections: MarkdownFindingSection[];
  /** Blocks after the findings, each kept whole or left out, least important last. */
  tail: Array<{ name: string; lines: string[] }>;
}

const lengthOf = (lines: string[]) => lines.reduce((n, l) => n + l.length + 1, 0);

function sectionLines(title: string, body: string[]): string[] {
  return body.length === 0 ? [] : [title, '', ...body];
}

/**
 * The document, whole when it fits in `limit` characters, else cut as described above with `notice(cut)` after
 * the head. `notice` says, in a line or two, what was left out and where the whole report is.
 */
export function fitMarkdown(parts: MarkdownParts, limit: number, notice: (cut: { full: number; brief: number; omitted: number; blocks: string[] }) => string[]): string {
  const whole = [
    ...parts.head,
    ...parts.sections.flatMap((s) => sectionLines(s.title, s.findings.flatMap((f) => f.full))),
    ...parts.tail.flatMap((b) => b.lines),
  ].join('\n');
  if (whole.length <= limit) return whole;

  const all = parts.sections.flatMap((s) => s.findings);
  // The notice's own length is not known before the counts: leave it generous room, and the section headings theirs.
  const reserve = lengthOf(notice({ full: all.length, brief: all.length, omitted: all.length, blocks: parts.tail.map((b) => b.name) })) + 200
    + parts.sections.reduce((n, s) => n + s.title.length + 80, 0);
  let budget = limit - lengthOf(parts.head) - reserve;
  const briefTotal = (from: number) => all.slice(from).reduce((n, f) => n + f.brief.length + 1, 0);
  const chosen = new Map<MarkdownFinding, string[]>();
  // The worst few are shown whole even when that leaves some later findings only counted (within half the room).
  let leadRoom = Math.floor(budget / 2);
  all.forEach((finding, i) => {
    // Else full only while every later finding can still have its line.
    const full = lengthOf(finding.full);
    const lead = i < LEADING_IN_FULL && full <= leadRoom;
    if (lead) leadRoom -= full;
    if (lead || full + briefTotal(i + 1) <= budget) {
      chosen.set(finding, finding.full);
      budget -= full;
    } else if (finding.brief.length + 1 <= budget) {
      chosen.set(finding, [finding.brief]);
      budget -= finding.brief.length + 1;
    }
  });
  const kept = parts.tail.filter((block) => {
    const size = lengthOf(block.lines);
    if (size > budget) return false;
    budget -= size;
    return true;
  });
  const cut = {
    full: all.filter((f) => chosen.get(f) === f.full).length,
    brief: all.filter((f) => chosen.has(f) && chosen.get(f) !== f.full).length,
    omitted: all.filter((f) => !chosen.has(f)).length,
    blocks: parts.tail.filter((b) => !kept.includes(b)).map((b) => b.name),
  };
  return [
    ...parts.head,
    ...notice(cut),
    ...parts.sections.flatMap((s) => {
      const shown = s.findings.filter((f) => chosen.has(f));
      const left = s.findings.length - shown.length;
      const briefs = shown.some((f) => chosen.get(f) !== f.full);
      const body = [...shown.flatMap((f) => chosen.get(f)!), ...(briefs ? [''] : []), ...(left > 0 ? [`… and ${left} more in the HTML report.`, ''] : [])];
      return sectionLines(s.title, body);
    }),
    ...kept.flatMap((b) => b.lines),
  ].join('\n');
}
