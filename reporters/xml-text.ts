/**
 * Text for XML 1.0 documents. Some characters cannot appear in XML 1.0 at all, not even as character
 * references (`&#x1B;` is as invalid as a raw ESC): most C0 controls, U+FFFE/U+FFFF and unpaired
 * surrogates. Vendors' answers and fast-check's counterexamples can hold any of them, so they are written
 * visibly as `\u001B` instead of making the whole file unreadable to a CI server.
 */

// Everything outside XML 1.0's Char production (with the `u` flag an unpaired surrogate is its own code point).
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function visible(text: string): string {
  return text.replace(NOT_XML_CHAR, (c) => `\\u${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
}

/** Escapes character data (element content). `>` too, so that `]]>` never appears. */
export function xmlText(value: string): string {
  return visible(value).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/**
 * Escapes an attribute value for double quotes. Tabs and line breaks become character references:
 * attribute-value normalization would otherwise turn them into spaces.
 */
export function xmlAttribute(value: string): string {
  return xmlText(value).replaceAll('"', '&quot;').replaceAll('\t', '&#9;').replaceAll('\n', '&#10;').replaceAll('\r', '&#13;');
}
