import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deviations } from '../../src/emulator/deviations/catalogue.ts';
import type { RunningServer } from '../../src/emulator/http-server.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import { tencentCbs } from '../../src/vendors/tencent-cbs/adapter.ts';
import { filesUnder, snapconform } from './support/cli.ts';

// An endpoint that quotes the request back (as Alibaba's SignatureDoesNotMatch quotes the string it signed,
// the key id URL-encoded) must not carry the full key id into any file the run writes.

const principal = { id: 'AKIDECHOEDECHOEDECHOEDECHOED0000000', secret: 'echoed-credentials-secret', account: 'echoed' };

/** Every form the test's endpoint echoes the key id in, as it appears in the answer's bytes. */
const hexEach = (text: string, prefix: string, width: number, upper: boolean) => [...text].map((c) => {
  const hex = c.charCodeAt(0).toString(16).padStart(width, '0');
  return prefix + (upper ? hex.toUpperCase() : hex);
}).join('');
const ECHOED = {
  plain: principal.id,
  urlUpper: hexEach(principal.id, '%', 2, true),
  urlLower: hexEach(principal.id, '%', 2, false),
  jsonUnicode: hexEach(principal.id, '\\u', 4, false),
  jsonUnicodeUpper: hexEach(principal.id, '\\u', 4, true),
};

let emulator: RunningServer;
let echo: Server;
let targetFile: string;

beforeAll(async () => {
  emulator = await tencentCbs.emulator!.start(loadSpec('specs/tencent-cbs.yaml'), principal, new Deviations());
  const { seed, roles } = tencentCbs.emulator!.fixtures('ap-guangzhou');
  await fetch(`${emulator.url}/_snapconform/seed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ region: 'ap-guangzhou', ...seed }) });
  // Every DescribeSnapshots is refused with a message quoting the key id in each form (JSON escapes written
  // raw into the body), and the id comes back in a header too.
  echo = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.headers['x-tc-action'] === 'DescribeSnapshots') {
      const message = `The provided credentials could not be validated. Credential=${ECHOED.plain}; signed ${ECHOED.urlUpper} ${ECHOED.urlLower}; as JSON ${ECHOED.jsonUnicode} ${ECHOED.jsonUnicodeUpper}`;
      const body = `{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"${message}"},"RequestId":"6f8f4a1e-0000-4000-8000-000000000001"}}`;
      response.writeHead(200, { 'content-type': 'application/json', 'x-echo-credential': ECHOED.plain }).end(body);
      return;
    }
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([n]) => !['host', 'connection', 'content-length'].includes(n))) as Record<string, string>;
    const upstream = await fetch(`${emulator.url}${request.url}`, { method: request.method, headers, body: request.method === 'POST' ? Buffer.concat(chunks) : undefined });
    response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const dir = mkdtempSync(join(tmpdir(), 'snapconform-echo-'));
  targetFile = join(dir, 'target.yaml');
  writeFileSync(targetFile, `targets:\n  - name: echoing\n    vendor: tencent-cbs\n    endpoint: http://127.0.0.1:${(echo.address() as AddressInfo).port}\n    region: ap-guangzhou\n    fixtures:\n      sameInstanceDisks: ${JSON.stringify(roles.sameInstanceDisks)}\n`);
});

afterAll(async () => {
  echo.closeAllConnections();
  await new Promise((resolve) => echo.close(resolve));
  await emulator.close();
});

describe('a key id the endpoint echoes', () => {
  it('reaches no report file and no exchange log in any form: only its first four characters do', async () => {
    const reportDir = mkdtempSync(join(tmpdir(), 'snapconform-echo-report-'));
    const env = { ...process.env, TENCENTCLOUD_SECRET_ID: principal.id, TENCENTCLOUD_SECRET_KEY: principal.secret };
    const { code, stdout, stderr } = await snapconform(['run', '--target', targetFile, '--report-dir', reportDir, '--rules', 'request.valid-accepted'], { env });
    expect(code, stderr).toBe(1);
    const files = filesUnder(join(reportDir, 'latest'));
    expect(files.map((f) => f.slice(f.lastIndexOf('/') + 1)).sort()).toEqual(expect.arrayContaining(['conformance.html', 'conformance.json', 'exchanges.ndjson']));
    const texts = [stdout, stderr, ...filesUnder(reportDir).map((f) => readFileSync(f, 'utf8'))];
    for (const [form, echoed] of Object.entries(ECHOED)) {
      expect(texts.filter((t) => t.toLowerCase().includes(echoed.toLowerCase())).length, form).toBe(0);
    }
    // The echo did reach the report — redacted.
    const report = readFileSync(join(reportDir, 'latest', 'conformance.json'), 'utf8');
    expect(report).toContain('Credential=AKID****; signed AKID**** AKID****; as JSON AKID**** AKID****');
  });
});
