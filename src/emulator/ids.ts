import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A random id: `prefix` and `length` characters of [0-9a-z] (Tencent's `snap-gybrif0z` shape). */
export function randomId(prefix: string, length: number, alphabet = ALPHABET): string {
  const bytes = randomBytes(length);
  let out = prefix;
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}
