import type { Transcript } from './call-result.ts';

// Wire parameters and headers that carry credentials: Tencent v1 `SecretId`/`Token`, Alibaba V2
// `AccessKeyId`/`SecurityToken`, the STS headers of both.
const ID_PARAMS = /(^|[?&])(SecretId|AccessKeyId)=([^&]{0,4})[^&]*/g;
const TOKEN_PARAMS = /(^|[?&])(Token|SecurityToken)=[^&]*/g;
const TOKEN_HEADERS = new Set(['x-tc-token', 'x-acs-security-token']);

/** Characters that begin an encoded character (`%41`, `+`, `\u0041`, `\/`): text without them can only hold a credential as written. */
const ENCODED = /[%+\\]/;

/** A credential to remove, and what stands in its place. */
interface Known {
  plain: string;
  /** The credential in any mix of the forms a response may echo it in (see {@link anyForm}). */
  pattern: RegExp;
  replacement: string;
}

/**
 * A pattern matching `value` however an endpoint echoes it: each character as itself, URL-encoded (`%2F` or
 * `%2f`; `+` for a space), or JSON-escaped (`\u002F` or `\u002f`, `\/`, `\"`, `\\`), in any mix — an error
 * message may quote a query string (Alibaba's `SignatureDoesNotMatch` quotes the string it signed, key id
 * URL-encoded), or an Authorization header as JSON.
 */
function anyForm(value: string): RegExp {
  const hex = (code: number, width: number) => [...code.toString(16).padStart(width, '0')].map((d) => (/[a-f]/.test(d) ? `[${d}${d.toUpperCase()}]` : d)).join('');
  const source = [...value].map((char) => {
    const code = char.codePointAt(0)!;
    const forms = [char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')];
    if (code < 0x80) forms.push(`%${hex(code, 2)}`, `\\\\u${hex(code, 4)}`);
    else forms.push([...new TextEncoder().encode(char)].map((b) => `%${hex(b, 2)}`).join(''), ...(code <= 0xffff ? [`\\\\u${hex(code, 4)}`] : []));
    if (char === ' ') forms.push('\\+');
    if (char === '/' || char === '"' || char === '\\') forms.push(`\\\\\\${char}`);
    return `(?:${forms.join('|')})`;
  }).join('');
  return new RegExp(source, 'g');
}

/**
 * Removes secrets from everything the suite records, logs or reports: the secret keys, tokens and passwords
 * it was given, and the credential ids it was given cut to their first four characters — each in every form a
 * response may echo it in (as written, URL-encoded, JSON-escaped) — and token parameters and headers.
 * Signatures stay: they are derived from the secret but do not reveal it, and a reader needs them to debug a
 * signature finding.
 */
export class Redactor {
  private readonly known: Known[];

  /**
   * @param secrets - removed whole (`****`)
   * @param ids - credential ids (Tencent `SecretId`, Alibaba `AccessKeyId`, Zenlayer's key id): kept to their
   *   first four characters (`AKID****`), enough to tell which key was used
   */
  constructor(secrets: Array<string | undefined>, ids: Array<string | undefined> = []) {
    const usable = (list: Array<string | undefined>) => [...new Set(list.filter((s): s is string => typeof s === 'string' && s.length >= 4))];
    this.known = [
      ...usable(secrets).map((plain) => ({ plain, pattern: anyForm(plain), replacement: '****' })),
      ...usable(ids).map((plain) => ({ plain, pattern: anyForm(plain), replacement: `${plain.slice(0, 4)}****` })),
    ].sort((a, b) => b.plain.length - a.plain.length);
  }

  /** A string with every known credential replaced (`****`, an id by its first four characters and `****`). */
  text(value: string): string {
    // Every exchange of a run passes through here (each header, the URL, both bodies), and almost none holds
    // a secret: a substring search first is ~10x cheaper than splitting and joining, or running the
    // parameter patterns, over text that cannot match (bench/README.md, figure 2). The patterns for encoded
    // forms run only over text that holds an encoded character.
    let out = value;
    const encoded = ENCODED.test(out);
    for (const { plain, pattern, replacement } of this.known) {
      if (out.includes(plain)) out = out.split(plain).join(replacement);
      if (encoded) out = out.replace(pattern, replacement);
    }
    if (out.includes('Token=')) out = out.replace(TOKEN_PARAMS, '$1$2=****');
    if (out.includes('Id=')) out = out.replace(ID_PARAMS, '$1$2=$3****');
    return out;
  }

  /** Any value with every string in it (keys included) passed through {@link text}: a decoded answer, an error. */
  value<T>(value: T): T {
    if (typeof value === 'string') return this.text(value) as T;
    if (Array.isArray(value)) return value.map((item: unknown) => this.value(item)) as T;
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [this.text(key), this.value(item)])) as T;
    }
    return value;
  }

  /** A transcript safe to keep. */
  transcript(transcript: Transcript): Transcript {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(transcript.request.headers)) {
      const lower = name.toLowerCase();
      headers[name] = TOKEN_HEADERS.has(lower)
        ? '****'
        : lower === 'authorization'
          ? this.text(value).replace(/Credential=([^/,\s]{0,4})[^/,\s]*/, 'Credential=$1****')
          : this.text(value);
    }
    return {
      request: { method: transcript.request.method, url: this.text(transcript.request.url), headers, body: this.text(transcript.request.body) },
      response: { ...transcript.response, headers: this.value(transcript.response.headers), body: this.text(transcript.response.body) },
    };
  }
}
