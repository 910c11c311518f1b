/**
 * A deliberately small, strict XML 1.0 reader for the tests: elements, attributes, character data and the
 * five predefined entities plus character references — enough for `junit.xml`, and it throws on anything a
 * real parser would refuse (a stray `&` or `<`, an undefined entity, a character XML 1.0 does not allow,
 * even as a reference, a duplicate attribute, mismatched tags, content outside the root). No comments,
 * CDATA, DTDs or processing instructions other than the declaration: junit.xml uses none.
 */

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own character data, concatenated. */
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

function isNameChar(c: string, first: boolean): boolean {
  const letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === ':';
  return first ? letter : letter || (c >= '0' && c <= '9') || c === '-' || c === '.';
}

/** Parses a whole document; throws an Error naming the offset of the first problem. */
export function parseXml(source: string): XmlElement {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`XML error at ${i}: ${why}`);
  };
  for (const ch of source) {
    if (!isXmlChar(ch.codePointAt(0)!)) fail(`character U+${ch.codePointAt(0)!.toString(16)} is not allowed in XML 1.0`);
  }
  const startsWith = (s: string) => source.startsWith(s, i);
  const skipSpace = () => {
    while (i < source.length && ' \t\r\n'.includes(source[i]!)) i++;
  };
  const name = (): string => {
    const start = i;
    if (!isNameChar(source[i] ?? '', true)) fail('expected a name');
    while (i < source.length && isNameChar(source[i]!, false)) i++;
    return source.slice(start, i);
  };
  /** Character data up to `stop`, with references resolved; `<` is never allowed inside. */
  const chars = (stop: string): string => {
    let out = '';
    while (i < source.length && source[i] !== stop) {
      const c = source[i]!;
      if (c === '<') fail('unescaped < in character data');
      if (c === '&') {
        const end = source.indexOf(';', i);
        if (end < 0) fail('unterminated reference');
        const ref = source.slice(i + 1, end);
        let value: string | undefined;
        if (ref.startsWith('#x')) value = charRef(Number.parseInt(ref.slice(2), 16), ref);
        else if (ref.startsWith('#')) value = charRef(Number.parseInt(ref.slice(1), 10), ref);
        else value = ENTITIES[ref];
        if (value === undefined) fail(`undefined entity &${ref};`);
        out += value;
        i = end + 1;
        continue;
      }
      out += c;
      i++;
    }
    return out;
  };
  const charRef = (cp: number, ref: string): string => {
    if (!Number.isInteger(cp) || !isXmlChar(cp)) fail(`character reference &${ref}; names a character XML 1.0 does not allow`);
    return String.fromCodePoint(cp);
  };
  const element = (): XmlElement => {
    if (source[i] !== '<') fail('expected <');
    i++;
    const node: XmlElement = { name: name(), attributes: {}, children: [], text: '' };
    for (;;) {
      const before = i;
      skipSpace();
      if (startsWith('/>')) {
        i += 2;
        return node;
      }
      if (source[i] === '>') {
        i++;
        break;
      }
      if (i === before) fail('expected whitespace before an attribute');
      const attribute = name();
      if (attribute in node.attributes) fail(`duplicate attribute ${attribute}`);
      skipSpace();
      if (source[i] !== '=') fail('expected =');
      i++;
      skipSpace();
      const quote = source[i];
      if (quote !== '"' && quote !== "'") fail('expected a quoted attribute value');
      i++;
      node.attributes[attribute] = chars(quote!);
      if (source[i] !== quote) fail('unterminated attribute value');
      i++;
    }
    for (;;) {
      if (i >= source.length) fail(`unclosed element ${node.name}`);
      if (startsWith('</')) {
        i += 2;
        const closing = name();
        if (closing !== node.name) fail(`</${closing}> closes <${node.name}>`);
        skipSpace();
        if (source[i] !== '>') fail('expected >');
        i++;
        return node;
      }
      if (source[i] === '<') node.children.push(element());
      else node.text += chars('<');
    }
  };
  if (startsWith('<?xml')) {
    const end = source.indexOf('?>', i);
    if (end < 0) fail('unterminated XML declaration');
    i = end + 2;
  }
  skipSpace();
  const root = element();
  skipSpace();
  if (i !== source.length) fail('content after the root element');
  return root;
}

/** Every descendant element with this name, depth first. */
export function findAll(root: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const visit = (node: XmlElement) => {
    for (const child of node.children) {
      if (child.name === name) out.push(child);
      visit(child);
    }
  };
  visit(root);
  return out;
}
