/**
 * Assertion messages in the words a report reader uses. A rule's `expect(value, what)` fails with vitest's
 * (chai's) phrasing appended to `what` — "expected true to be false // Object.is equality", "expected [ 400 ]
 * to include 422", "expected [ Array(1) ] to deeply equal []" — and a property's failure carries fast-check's
 * runner report after it. Neither belongs in a report: the rule's own sentence (`what`) says what deviated, and
 * what remains to say is the expected value against the observed one, plainly.
 */

/** The tail vitest appends to a failed `expect(…, what)`: `expected <actual> <verb> <expected>`. */
const CHAI_TAIL = /^(?:(?<what>[\s\S]*?):\s)?expected (?<actual>.+?) (?<verb>to not be|not to be|to be type of|to be defined|to be undefined|to be|to not deeply equal|to deeply equal|to strictly equal|to include|to contain|to match|to have a length of)(?: (?<expected>.*?))?(?: but got (?<got>.+?))?(?: \/\/ Object\.is equality)?$/;

/** Where fast-check's own report starts, in the message of a failed property. */
const FAST_CHECK_REPORT = /^(Property failed after|\{ seed: |Counterexample: |Shrunk \d+ time|Hint: |Encountered failures were:|Execution summary:)/;

/** `[ 400, 403 ]` as `400 or 403`; anything else as it is. */
function alternatives(listText: string): string {
  const inner = /^\[\s*(.*?)\s*\]$/.exec(listText)?.[1];
  if (inner === undefined || inner === '' || /Array\(|…/.test(inner)) return listText;
  const items = inner.split(/,\s*/);
  return items.length === 1 ? items[0]! : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/**
 * One line of an assertion message in plain words (unchanged when it has no assertion-library phrasing; empty
 * when it is nothing but a bare boolean check's phrasing).
 */
export function plainAssertionLine(line: string): string {
  const match = CHAI_TAIL.exec(line.trim());
  if (!match?.groups) return line;
  const { what, actual, verb, expected, got } = match.groups as Record<string, string | undefined>;
  const lead = (text: string) => (what ? `${what}: ${text}` : text);
  switch (verb) {
    case 'to be':
      // A boolean check's message is the rule's sentence about what went wrong ("… was accepted").
      // Without one, a bare `expected true to be false` says nothing a reader can use: nothing is left.
      if (/^(true|false)$/.test(actual ?? '') && /^(true|false)$/.test(expected ?? '')) return what ?? '';
      return lead(`expected ${expected}, observed ${actual}`);
    case 'to deeply equal':
    case 'to strictly equal':
      return lead(`expected ${expected}, observed ${actual}`);
    case 'to include':
    case 'to contain':
      // `expect(allowed).toContain(seen)`: the list is what the documents allow, the item what was seen.
      return lead(`expected ${alternatives(actual ?? '')}, observed ${expected}`);
    case 'to match':
      return lead(`${actual} does not match ${expected}`);
    case 'to have a length of':
      return lead(`expected ${expected} items, observed ${got ?? 'another number'}`);
    case 'to be type of':
      return lead(`expected a ${expected}, observed ${actual}`);
    case 'to be defined':
      return lead('absent');
    case 'to be undefined':
      return what ?? `expected nothing, observed ${actual}`;
    default:
      return what ?? lead(`observed ${actual}`);
  }
}

/**
 * A failed test's message for a report: each line's assertion-library phrasing in plain words, and a
 * property's fast-check report left out (the entry carries its seed, path and counterexample as fields).
 */
export function plainAssertionText(message: string): string {
  const lines = message.split('\n');
  const end = lines.findIndex((l) => FAST_CHECK_REPORT.test(l));
  return (end < 0 ? lines : lines.slice(0, end)).map(plainAssertionLine).join('\n').trim();
}
