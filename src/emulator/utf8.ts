import { isUtf8 } from 'node:buffer';

/**
 * Whether a query string or form body decodes to valid UTF-8. URL decoders quietly turn a bad escape
 * (`%FF%FE`) into U+FFFD; a service that receives invalid UTF-8 refuses it, so an emulator checks the bytes.
 */
export function percentDecodesToUtf8(encoded: string): boolean {
  if (!encoded.includes('%')) return true;
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    const c = encoded.charCodeAt(i);
    if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(encoded.slice(i + 1, i + 3))) {
      bytes.push(parseInt(encoded.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      bytes.push(...Buffer.from(encoded[i]!, 'utf8'));
    }
  }
  return isUtf8(Buffer.from(bytes));
}

/**
 * Whether a request's query and body are valid UTF-8 (RFC 8259 requires it of JSON; forms and queries carry
 * UTF-8). A form body's escapes are decoded first; a JSON body's `%` is only a character. Pass no query
 * for a protocol that does not read it.
 */
export function requestIsUtf8(query: string | undefined, body: Buffer, contentType: string | undefined): boolean {
  if (!isUtf8(body) || (query !== undefined && !percentDecodesToUtf8(query))) return false;
  return !/^application\/x-www-form-urlencoded/i.test(contentType ?? '') || percentDecodesToUtf8(body.toString('utf8'));
}
