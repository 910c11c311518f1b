/**
 * A small, non-recursive reader for the XML Alibaba answers with when `Format` is XML (the V2 default) or
 * for some gateway errors: `<Error><RequestId>…</RequestId><Code>…</Code></Error>`, or a success rooted at
 * `<{Action}Response>` (../shared/reference/alibaba-ecs-and-zenlayer-zec.md §A2). It reads elements and text
 * only: attributes, comments, processing instructions and DOCTYPEs are skipped, CDATA is text.
 */

/** An element's value: its text when it has no child elements, else its children by name. */
export type XmlValue = string | XmlObject;
/** Child elements by name; a name that repeats becomes an array (`<Snapshot/>` ×2 → `Snapshot: [...]`). */
export interface XmlObject { [name: string]: XmlValue | XmlValue[] }

/** A parsed document: the root element's name and value. */
export interface XmlDocument {
  root: string;
  value: XmlValue;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Replaces the five predefined entities and numeric references; an invalid reference stays as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]+);/g, (whole, ref: string) => {
    if (ref[0] !== '#') return ENTITIES[ref] ?? whole;
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

interface Frame {
  name: string;
  text: string;
  children: XmlObject | undefined;
}

function addChild(parent: Frame, name: string, value: XmlValue): void {
  const children = (parent.children ??= {});
  // defineProperty, not assignment: an element named __proto__ must stay a plain own property.
  const existing = Object.hasOwn(children, name) ? children[name] : undefined;
  if (Array.isArray(existing)) {
    existing.push(value);
    return;
  }
  const next = existing === undefined ? value : [existing, value];
  Object.defineProperty(children, name, { value: next, enumerable: true, writable: true, configurable: true });
}

const TOKEN = /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<\/\s*([^\s>]+)\s*>|<([^\s/>!?]+)(?:\s[^>]*?)?(\/?)>|([^<]+)/gy;

/**
 * Parses an XML document; undefined when it is not well-formed enough to read (mismatched or unclosed
 * tags, text outside the root, a stray `<`). Never throws, whatever the input.
 */
export function parseXml(text: string): XmlDocument | undefined {
  const stack: Frame[] = [];
  let document: XmlDocument | undefined;
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match || match.index !== at) return undefined;
    const [, cdata, closing, opening, selfClosing, chars] = match;
    const top = stack[stack.length - 1];
    if (cdata !== undefined || chars !== undefined) {
      const value = cdata ?? decodeEntities(chars ?? '');
      if (top) top.text += value;
      else if (value.trim() !== '') return undefined;
    } else if (opening !== undefined) {
      if (!top && document) return undefined;
      const frame: Frame = { name: opening, text: '', children: undefined };
      if (selfClosing) close(frame, top, (doc) => (document = doc));
      else stack.push(frame);
    } else if (closing !== undefined) {
      if (!top || top.name !== closing) return undefined;
      stack.pop();
      close(top, stack[stack.length - 1], (doc) => (document = doc));
    }
  }
  return stack.length === 0 ? document : undefined;
}

function close(frame: Frame, parent: Frame | undefined, setDocument: (doc: XmlDocument) => void): void {
  const value: XmlValue = frame.children ?? frame.text;
  if (parent) addChild(parent, frame.name, value);
  else setDocument({ root: frame.name, value });
}
