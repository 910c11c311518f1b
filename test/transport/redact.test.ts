import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/transport/redact.ts';

const transcript = (url: string, headers: Record<string, string>, body = '') => ({
  request: { method: 'POST', url, headers, body },
  response: { status: 200, headers: {}, body: '{"ok":true}' },
});

describe('Redactor', () => {
  const secret = 'alibaba-secret+/=value';
  const token = 'CAIS-security-token-0123456789';
  const redactor = new Redactor([secret, token]);

  it("removes Alibaba V2's key id and token from the query, whatever their position", () => {
    const url = `http://127.0.0.1/?AccessKeyId=LTAI5tABCDEFGH&Action=CreateSnapshot&SecurityToken=${encodeURIComponent(token)}&Signature=abc%3D`;
    const out = redactor.transcript(transcript(url, {}));
    expect(out.request.url).toBe('http://127.0.0.1/?AccessKeyId=LTAI****&Action=CreateSnapshot&SecurityToken=****&Signature=abc%3D');
  });

  it('removes Tencent v1 SecretId and Token from a form body, and STS headers', () => {
    const body = `Action=CreateSnapshot&SecretId=AKIDabcdefgh&Token=${token}&Nonce=1`;
    const out = redactor.transcript(transcript('http://x/', { 'x-tc-token': token, 'x-acs-security-token': token, Authorization: 'TC3-HMAC-SHA256 Credential=AKIDabcdef/2026-01-01/cbs/tc3_request, SignedHeaders=content-type;host, Signature=00' }, body));
    expect(out.request.body).toBe('Action=CreateSnapshot&SecretId=AKID****&Token=****&Nonce=1');
    expect(out.request.headers['x-tc-token']).toBe('****');
    expect(out.request.headers['x-acs-security-token']).toBe('****');
    expect(out.request.headers['Authorization']).toBe('TC3-HMAC-SHA256 Credential=AKID****/2026-01-01/cbs/tc3_request, SignedHeaders=content-type;host, Signature=00');
  });

  it('removes Alibaba V3 and Zenlayer credential ids from Authorization', () => {
    expect(redactor.transcript(transcript('http://x/', { authorization: 'ACS3-HMAC-SHA256 Credential=LTAI5tABCDEFGH,SignedHeaders=host,Signature=00' })).request.headers['authorization'])
      .toBe('ACS3-HMAC-SHA256 Credential=LTAI****,SignedHeaders=host,Signature=00');
    expect(redactor.transcript(transcript('http://x/', { authorization: 'ZC2-HMAC-SHA256 Credential=0D9UtpyKYcHxms5v, SignedHeaders=content-type;host, Signature=00' })).request.headers['authorization'])
      .toBe('ZC2-HMAC-SHA256 Credential=0D9U****, SignedHeaders=content-type;host, Signature=00');
  });

  it('removes a known secret anywhere, raw or URL-encoded, even in a response body', () => {
    const out = redactor.transcript({
      request: { method: 'GET', url: `http://x/?echo=${encodeURIComponent(secret)}`, headers: {}, body: `a ${secret} b` },
      response: { status: 400, headers: {}, body: `{"Message":"bad key ${secret}"}` },
    });
    expect(JSON.stringify(out)).not.toContain(secret);
    expect(JSON.stringify(out)).not.toContain(encodeURIComponent(secret));
    expect(redactor.text(`token=${token}`)).toBe('token=****');
  });

  describe('a credential echoed by the endpoint', () => {
    const id = 'LTAI5tEchoedKeyId/9+x';
    const withId = new Redactor([secret], [id]);
    const upper = (text: string) => [...text].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`).join('');
    const unicode = (text: string, hexCase: (h: string) => string) => [...text].map((c) => `\\u${hexCase(c.charCodeAt(0).toString(16).padStart(4, '0'))}`).join('');
    const forms: Record<string, string> = {
      plain: id,
      'URL-encoded, upper case': encodeURIComponent(id),
      'URL-encoded, lower case': encodeURIComponent(id).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
      'every character URL-encoded': upper(id),
      'JSON \\/': id.replace(/\//g, '\\/'),
      'JSON \\u, lower case': unicode(id, (h) => h),
      'JSON \\u, upper case': unicode(id, (h) => h.toUpperCase()),
      'a mix': `LT%41I5t\\u0045choedKeyId\\/9%2bx`,
    };

    it('keeps only its first four characters, in every form', () => {
      for (const [form, echoed] of Object.entries(forms)) {
        expect(withId.text(`SignatureDoesNotMatch: Credential=${echoed}, please check`), form).toBe('SignatureDoesNotMatch: Credential=LTAI****, please check');
      }
    });

    it('is removed whole when it is a secret, a space given as +', () => {
      const spaced = 'my secret with spaces';
      const redactor = new Redactor([spaced, secret]);
      expect(redactor.text(`{"Message":"the string to sign was a=${new URLSearchParams({ s: spaced }).toString().slice(2)}"}`)).toBe('{"Message":"the string to sign was a=****"}');
      expect(redactor.text(JSON.stringify({ m: secret }))).toBe('{"m":"****"}');
      expect(redactor.text(`x ${secret.replace('/', '\\/')} ${encodeURIComponent(secret).toLowerCase()}`)).toBe('x **** ****');
    });

    it('is removed from every string of a decoded answer, keys included', () => {
      const decoded = { Error: { Code: 'SignatureDoesNotMatch', Message: `Credential=${id}` }, List: [`${id}`, 3], [id]: null };
      expect(JSON.stringify(withId.value(decoded))).not.toContain(id);
      expect(withId.value(decoded)).toEqual({ Error: { Code: 'SignatureDoesNotMatch', Message: 'Credential=LTAI****' }, List: ['LTAI****', 3], 'LTAI****': null });
    });

    it('is removed from the response headers of a transcript', () => {
      const out = withId.transcript({ request: { method: 'GET', url: 'http://x/', headers: {}, body: '' }, response: { status: 403, headers: { 'x-echo': id }, body: '' } });
      expect(out.response.headers['x-echo']).toBe('LTAI****');
    });
  });
});
