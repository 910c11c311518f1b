import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ViolationRecorder } from '../../../src/cli/violations.ts';
import type { EmulatorFrontEnd } from '../../../src/emulator/front-end.ts';
import { listen, type RunningServer } from '../../../src/emulator/http-server.ts';
import { loadSpec } from '../../../src/spec/load-spec.ts';
import { tencentCbs } from '../../../src/vendors/tencent-cbs/adapter.ts';
import { signTc3 } from '../../../src/vendors/tencent-cbs/tc3.signer.ts';

// The official SDKs can leave the body out of a TC3 signature (`X-TC-Content-SHA256: UNSIGNED-PAYLOAD`, the
// hashed payload then sha256("UNSIGNED-PAYLOAD"); reference §1.1). The emulator accepts such requests, and
// `snapconform emulate --strict` does not count them as violations of the documents.

const principal = { id: 'AKIDUNSIGNEDPAYLOADTEST0000000000000', secret: 'unsigned-payload-secret', account: 'unsigned' };
const spec = loadSpec(tencentCbs.specFile);
let frontEnd: EmulatorFrontEnd;
let server: RunningServer;
const recorder = new ViolationRecorder(undefined);

beforeAll(async () => {
  frontEnd = tencentCbs.emulator!.create({ spec, principals: [principal] });
  recorder.watch('tencent-cbs', frontEnd.requests);
  server = await listen(frontEnd.handle);
});
afterAll(() => server.close());

/** A TC3 POST for DescribeSnapshots, with or without its body signed. */
function describeSnapshots(unsignedPayload: boolean, body = '{}'): Promise<Response> {
  const timestamp = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json', 'x-tc-action': 'DescribeSnapshots', 'x-tc-version': spec.version,
    'x-tc-region': 'ap-guangzhou', 'x-tc-timestamp': String(timestamp),
    ...(unsignedPayload ? { 'x-tc-content-sha256': 'UNSIGNED-PAYLOAD' } : {}),
  };
  const { authorization } = signTc3({
    method: 'POST', host: '127.0.0.1', query: '', headers, body, timestamp, service: 'cbs', secretId: principal.id, secretKey: principal.secret, unsignedPayload,
  });
  return fetch(server.url, { method: 'POST', headers: { ...headers, authorization }, body });
}

describe('Tencent emulator: TC3 with an unsigned payload', () => {
  it('answers it, and strict mode records no violation', async () => {
    const answer = (await (await describeSnapshots(true, '{"Limit":5}')).json()) as { Response: Record<string, unknown> };
    expect(answer.Response['Error']).toBeUndefined();
    expect(answer.Response['TotalCount']).toBe(0);
    const log = frontEnd.requests.list();
    expect(log.at(-1)).toMatchObject({ action: 'DescribeSnapshots', status: 200 });
    expect(log.at(-1)!.violation).toBeUndefined();
    expect(recorder.count).toBe(0);
  });

  it('still refuses a body that claims to be unsigned without the header', async () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = { 'content-type': 'application/json', 'x-tc-action': 'DescribeSnapshots', 'x-tc-version': spec.version, 'x-tc-region': 'ap-guangzhou', 'x-tc-timestamp': String(timestamp) };
    const { authorization } = signTc3({ method: 'POST', host: '127.0.0.1', query: '', headers, body: '{}', timestamp, service: 'cbs', secretId: principal.id, secretKey: principal.secret, unsignedPayload: true });
    const answer = (await (await fetch(server.url, { method: 'POST', headers: { ...headers, authorization }, body: '{}' })).json()) as { Response: { Error?: { Code: string } } };
    expect(answer.Response.Error?.Code).toBe('AuthFailure.SignatureFailure');
    expect(recorder.count).toBe(1);
  });
});
