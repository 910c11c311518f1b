import type { Transcript } from './call-result.ts';

// Wire parameters and headers that carry credentials: Tencent v1 `SecretId`/`Token`, Alibaba V2
// `AccessKeyId`/`SecurityToken`, the STS headers of both.
const ID_PARAMS = /(^|[?&])(SecretId|AccessKeyId)=([^&]{0,4})[^&]*/g;
const TOKEN_PARAMS = /(^|[?&])(Token|SecurityToken)=[^&]*/g;
const TOKEN_HEADERS = new Set(['x-tc-token', 'x-acs-security-token']);

/**
 * Removes secrets from everything the suite records, logs or reports: the secret keys, tokens and passwords
 * it was given (also URL-encoded), credential ids cut to their first four characters, and token parameters
 * and headers. Signatures stay: they are derived from the secret but do not reveal it, and a reader needs
 * them to debug a signature finding.
 */
export class Redactor {
  private readonly secrets: string[];

  constructor(secrets: Array<string | undefined>) {
    const list = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
    this.secrets = [...new Set(list.flatMap((s) => [s, encodeURIComponent(s)]))].sort((a, b) => b.length - a.length);
  }

  /** A string with every known secret replaced by `****`. */
  text(value: string): string {
    // Every exchange of a run passes through here (each header, the URL, both bodies), and almost none holds
    // a secret: a substring search first is ~10x cheaper than splitting and joining, or running the
    // parameter patterns, over text that cannot match (bench/README.md, figure 2).
    let out = value;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join('****');
    if (out.includes('Token=')) out = out.replace(TOKEN_PARAMS, '$1$2=****');
    if (out.includes('Id=')) out = out.replace(ID_PARAMS, '$1$2=$3****');
    return out;
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
      response: { ...transcript.response, body: this.text(transcript.response.body) },
    };
  }
}
