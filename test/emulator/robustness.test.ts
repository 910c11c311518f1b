import http from 'node:http';
import { randomBytes, randomInt } from 'node:crypto';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetInfo } from '../../src/conformance/target.ts';
import { Deviations } from '../../src/emulator/deviations/catalogue.ts';
import type { RunningServer } from '../../src/emulator/http-server.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import type { VendorSpec } from '../../src/spec/vendor-spec.ts';
import { sha256Hex } from '../../src/transport/digest.ts';
import { HttpTransport } from '../../src/transport/http-transport.ts';
import { formatAcsTime } from '../../src/vendors/alibaba-ecs/acs-time.ts';
import { signAcs3 } from '../../src/vendors/alibaba-ecs/acs3.signer.ts';
import { alibabaEcs } from '../../src/vendors/alibaba-ecs/adapter.ts';
import { decodePairs, type ParamPair } from '../../src/vendors/alibaba-ecs/percent-encode.ts';
import { buildRpcV2Request, rpcV2CommonParams } from '../../src/vendors/alibaba-ecs/rpc-v2.signer.ts';
import { tencentCbs } from '../../src/vendors/tencent-cbs/adapter.ts';
import { signTc3 } from '../../src/vendors/tencent-cbs/tc3.signer.ts';
import { signV1, signV1Request } from '../../src/vendors/tencent-cbs/v1.signer.ts';
import type { VendorAdapter } from '../../src/vendors/vendor-adapter.ts';
import { zenlayerZec } from '../../src/vendors/zenlayer-zec/adapter.ts';
import { signZc2, ZC2_ALGORITHM } from '../../src/vendors/zenlayer-zec/zc2.signer.ts';
import { adminPost } from '../../src/emulator/admin-client.ts';

// Hostile and malformed requests, sent raw to each embedded emulator: every one gets the vendor's error
// envelope or a clean 4xx (413 for an oversized body, 431 for oversized headers), never a 5xx from a crash
// and never a hung connection; memory stays bounded; and afterwards the emulator still serves a valid
// signed call (it did not crash). Requests are signed where the point is to get past the signature check.

const MiB = 1024 * 1024;
const ANSWER_TIMEOUT_MS = 15_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ------------------------------------------------------------------------------------------------------
// Raw HTTP
// ------------------------------------------------------------------------------------------------------

interface RawRequest {
  method: string;
  /** Path and query, as they go on the request line. */
  path: string;
  headers: Record<string, string | string[]>;
  body?: string | Buffer;
  /** Send the body with chunked transfer encoding (no content-length), in 1 MiB writes. */
  chunked?: boolean;
  /** Write the body but never end the request (a declared length that is never sent in full). */
  holdOpen?: boolean;
}

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/**
 * Sends one request on a fresh connection and resolves with the whole answer; rejects when no answer
 * arrives within {@link ANSWER_TIMEOUT_MS} (a hung connection) or the connection fails before an answer.
 * An error after the answer was read (the server closing while an oversized upload is still being
 * written) is not a failure: the answer came.
 */
function send(server: RunningServer, request: RawRequest): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    // An explicit length: node's client sends none for a DELETE body, which the server then reads as a second request.
    const length = request.body !== undefined && !request.chunked && !request.holdOpen ? { 'content-length': String(Buffer.byteLength(request.body)) } : {};
    const req = http.request({ host: '127.0.0.1', port: server.port, method: request.method, path: request.path, headers: { ...length, ...request.headers }, agent: false });
    const timer = setTimeout(() => {
      settle(() => reject(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms: hung connection`)));
      req.destroy();
    }, ANSWER_TIMEOUT_MS);
    req.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (error) => settle(() => reject(error)));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        settle(() => resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json }));
        if (request.holdOpen) req.destroy();
      });
    });
    req.on('error', (error) => settle(() => reject(error)));
    const { body } = request;
    if (body === undefined) {
      req.end();
    } else if (request.holdOpen) {
      req.write(body);
    } else if (request.chunked) {
      const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
      let offset = 0;
      const pump = () => {
        while (offset < bytes.length) {
          const slice = bytes.subarray(offset, offset + MiB);
          offset += slice.length;
          if (req.destroyed) return;
          if (!req.write(slice)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    } else {
      req.end(body);
    }
  });
}

// ------------------------------------------------------------------------------------------------------
// One driver per vendor: how it signs a raw request and what its error envelope looks like
// ------------------------------------------------------------------------------------------------------

/** What a signed raw request is built from; `null` leaves a header out. */
interface SignedInput {
  action?: string | null;
  version?: string | null;
  method?: 'GET' | 'POST';
  /** The raw query string, without `?`. */
  query?: string;
  body?: string | Buffer;
  /** `null`: no Content-Type header at all. */
  contentType?: string | null;
  /** Unsigned extra headers. */
  extraHeaders?: Record<string, string | string[]>;
}

interface Driver {
  adapter: VendorAdapter;
  region: string;
  principal: { id: string; secret: string; account: string };
  spec: VendorSpec;
  server?: RunningServer;
  /** A correctly signed request. The default action is CreateSnapshot: its DiskId is required, so a body the emulator cannot read is always an error. */
  signed(input?: SignedInput): RawRequest;
  /** Asserts the vendor's error envelope, with this code when one is given; returns the code. */
  expectError(answer: RawAnswer, code?: string, label?: string): string;
  /** True when the answer is the vendor's success envelope. */
  isSuccess(answer: RawAnswer): boolean;
  /** A parameter name that reaches the emulator's parameter decoding through the query (prototype pollution probes). */
  pollutingQuery?: (names: string[]) => RawRequest[];
}

const host = (server: RunningServer | undefined) => `127.0.0.1:${server!.port}`;
const now = () => Math.floor(Date.now() / 1000);

// -- Tencent CBS: TC3 over POST JSON (or GET query); errors are HTTP 200 {Response: {Error, RequestId}}.

const tencent: Driver = {
  adapter: tencentCbs,
  region: 'ap-guangzhou',
  principal: { id: 'AKIDROBUSTNESSTEST000000000000000000', secret: 'robustness-tencent-secret', account: 'robust' },
  spec: loadSpec(tencentCbs.specFile),
  signed(input = {}) {
    const method = input.method ?? 'POST';
    const timestamp = now();
    const headers: Record<string, string> = { 'x-tc-timestamp': String(timestamp) };
    const contentType = input.contentType === undefined ? (method === 'POST' ? 'application/json' : 'application/x-www-form-urlencoded') : input.contentType;
    if (contentType !== null) headers['content-type'] = contentType;
    if (input.action !== null) headers['x-tc-action'] = input.action ?? 'CreateSnapshot';
    if (input.version !== null) headers['x-tc-version'] = input.version ?? this.spec.version;
    headers['x-tc-region'] = this.region;
    const query = input.query ?? '';
    const body = input.body ?? '';
    // The verifier needs content-type among the signed headers; without one, sign an empty value so the
    // request reaches the header check rather than the signer throwing here.
    const { authorization } = signTc3({
      method, host: '127.0.0.1', query, headers: { 'content-type': '', ...headers }, body, timestamp, service: 'cbs',
      secretId: this.principal.id, secretKey: this.principal.secret,
    });
    return {
      method, path: `/${query ? `?${query}` : ''}`, body: method === 'POST' ? body : undefined,
      headers: { ...headers, authorization, ...input.extraHeaders },
    };
  },
  expectError(answer, code, label = '') {
    expect(answer.status, `${label} ${answer.status} ${answer.text.slice(0, 300)}`).toBe(200);
    const response = (answer.json as { Response?: { Error?: { Code?: unknown; Message?: unknown }; RequestId?: unknown } } | undefined)?.Response;
    expect(response?.Error, `${label} ${answer.status} ${answer.text.slice(0, 300)}`).toMatchObject({ Code: expect.any(String), Message: expect.any(String) });
    expect(response?.RequestId).toMatch(UUID);
    if (code !== undefined) expect(response!.Error!.Code, `${label} ${answer.status} ${answer.text.slice(0, 300)}`).toBe(code);
    return response!.Error!.Code as string;
  },
  isSuccess(answer) {
    const response = (answer.json as { Response?: Record<string, unknown> } | undefined)?.Response;
    return answer.status === 200 && response !== undefined && response['Error'] === undefined && typeof response['RequestId'] === 'string';
  },
};

/** A Tencent signature-v1 GET: every parameter, common ones included, in the query. */
function tencentV1Get(params: Array<[string, string]>, action = 'DescribeSnapshots'): RawRequest {
  const common: Array<[string, string]> = [
    ['Action', action], ['Region', tencent.region], ['Version', tencent.spec.version], ['Timestamp', String(now())],
    ['Nonce', String(randomInt(1, 1_000_000))], ['SecretId', tencent.principal.id],
  ];
  const wire = signV1Request({ method: 'GET', host: host(tencent.server), params: [...common, ...params], secretKey: tencent.principal.secret });
  return { method: 'GET', path: `/?${wire.query}`, headers: {} };
}

// -- Alibaba ECS: ACS3 with business parameters in the query; errors are 4xx {RequestId, HostId, Code, Message}.

const alibaba: Driver = {
  adapter: alibabaEcs,
  region: 'cn-hangzhou',
  principal: { id: 'LTAI5tROBUSTNESSTEST0001', secret: 'robustness-alibaba-secret', account: 'robust' },
  spec: loadSpec(alibabaEcs.specFile),
  signed(input = {}) {
    const method = input.method ?? 'POST';
    const body = input.body ?? '';
    const headers: Record<string, string> = {
      'x-acs-date': formatAcsTime(now()),
      'x-acs-signature-nonce': randomBytes(16).toString('hex'),
      'x-acs-content-sha256': sha256Hex(body),
      accept: 'application/json',
    };
    if (input.action !== null) headers['x-acs-action'] = input.action ?? 'CreateSnapshot';
    if (input.version !== null) headers['x-acs-version'] = input.version ?? this.spec.version;
    if (input.contentType !== undefined && input.contentType !== null) headers['content-type'] = input.contentType;
    const query = input.query ?? '';
    // The gateway decodes the query and signs its canonical re-encoding (§A4 point 3): sign what it will decode.
    const { authorization } = signAcs3({
      method, query: decodePairs(query), headers: { ...headers, host: host(this.server) }, body,
      accessKeyId: this.principal.id, accessKeySecret: this.principal.secret,
    });
    return {
      method, path: `/${query ? `?${query}` : ''}`, body: method === 'POST' ? body : undefined,
      headers: { ...headers, authorization, ...input.extraHeaders },
    };
  },
  expectError(answer, code, label = '') {
    expect(answer.status, `${label} ${answer.status} ${answer.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
    expect(answer.status, `${label} ${answer.status} ${answer.text.slice(0, 300)}`).toBeLessThan(500);
    const body = answer.json as Record<string, unknown> | undefined;
    expect(body, `${label} ${answer.status} ${answer.text.slice(0, 300)}`).toMatchObject({ RequestId: expect.stringMatching(UUID), HostId: expect.any(String), Code: expect.any(String), Message: expect.any(String) });
    if (code !== undefined) expect(body!['Code'], `${label} ${answer.status} ${answer.text.slice(0, 300)}`).toBe(code);
    return body!['Code'] as string;
  },
  isSuccess(answer) {
    const body = answer.json as Record<string, unknown> | undefined;
    return answer.status === 200 && typeof body?.['RequestId'] === 'string' && body['Code'] === undefined;
  },
};

/** An Alibaba RPC V2 GET with these common-parameter overrides and business parameters. */
function alibabaV2Get(action: string, params: ParamPair[], common: Record<string, string | undefined> = {}): RawRequest {
  const base = Object.fromEntries(rpcV2CommonParams({
    action, version: alibaba.spec.version, accessKeyId: alibaba.principal.id, timestamp: now(), nonce: randomBytes(16).toString('hex'),
  }));
  for (const [name, value] of Object.entries(common)) {
    if (value === undefined) delete base[name];
    else base[name] = value;
  }
  const wire = buildRpcV2Request('GET', [...Object.entries(base), ...params], alibaba.principal.secret);
  return { method: 'GET', path: `/?${wire.query}`, headers: {} };
}

// -- Zenlayer ZEC: POST JSON to x-protocol.path, ZC2 signature over the raw body; errors are 4xx {requestId, code, message}.

const zenlayer: Driver = {
  adapter: zenlayerZec,
  region: 'zec',
  principal: { id: 'ZCROBUSTNESSTEST0001', secret: 'robustness-zenlayer-password', account: 'robust' },
  spec: loadSpec(zenlayerZec.specFile),
  signed(input = {}) {
    const method = input.method ?? 'POST';
    const timestamp = String(now());
    const body = input.body ?? '';
    const headers: Record<string, string> = { 'x-zc-timestamp': timestamp, 'x-zc-signature-method': ZC2_ALGORITHM };
    const contentType = input.contentType === undefined ? this.spec.protocol.contentType : input.contentType;
    if (contentType !== null) headers['content-type'] = contentType;
    if (input.action !== null) headers['x-zc-action'] = input.action ?? 'CreateSnapshot';
    if (input.version !== null) headers['x-zc-version'] = input.version ?? this.spec.version;
    const { authorization } = signZc2({
      contentType: contentType ?? '', host: host(this.server), body, timestamp,
      accessKeyId: this.principal.id, accessKeyPassword: this.principal.secret,
    });
    const query = input.query ?? '';
    return {
      method, path: `${this.spec.protocol.path}${query ? `?${query}` : ''}`, body: method === 'POST' ? body : undefined,
      headers: { ...headers, authorization, ...input.extraHeaders },
    };
  },
  expectError(answer, code, label = '') {
    expect(answer.status, `${label} ${answer.status} ${answer.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
    expect(answer.status, `${label} ${answer.status} ${answer.text.slice(0, 300)}`).toBeLessThan(500);
    const body = answer.json as Record<string, unknown> | undefined;
    expect(body, `${label} ${answer.status} ${answer.text.slice(0, 300)}`).toMatchObject({ requestId: expect.stringMatching(/^T[0-9A-F-]{36}$/), code: expect.any(String), message: expect.any(String) });
    if (code !== undefined) expect(body!['code'], `${label} ${answer.status} ${answer.text.slice(0, 300)}`).toBe(code);
    return body!['code'] as string;
  },
  isSuccess(answer) {
    const body = answer.json as Record<string, unknown> | undefined;
    return answer.status === 200 && typeof body?.['requestId'] === 'string' && typeof body['response'] === 'object';
  },
};

const DRIVERS = [tencent, alibaba, zenlayer];

/** The code the spec gives for a broken keyword of CreateSnapshot, as the emulator looks it up. */
function requiredDiskIdCode(driver: Driver): string | undefined {
  const parameter = driver === zenlayer ? 'diskId' : 'DiskId';
  return driver.spec.errorForKeyword('CreateSnapshot', [parameter], 'required')?.code;
}

/** The answer is a clean client error: a 4xx status, the connection not torn down before it. */
function expectClean4xx(answer: RawAnswer, status?: number): void {
  if (status !== undefined) expect(answer.status).toBe(status);
  expect(answer.status).toBeGreaterThanOrEqual(400);
  expect(answer.status).toBeLessThan(500);
}

/** The vendor's error envelope, or a clean 4xx from the HTTP layer. */
function expectErrorOr4xx(driver: Driver, answer: RawAnswer): void {
  if (answer.json !== undefined) driver.expectError(answer);
  else expectClean4xx(answer);
}

/** The vendor's envelope, success or error: the front end answered, nothing crashed. */
function expectVendorEnvelope(driver: Driver, answer: RawAnswer): void {
  if (!driver.isSuccess(answer)) driver.expectError(answer);
}

/** `({}).x` and friends: nothing was written into Object.prototype. */
function expectPrototypeClean(): void {
  expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'x')).toBe(false);
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
}

/** A full garbage collection, so that rss compares live memory rather than garbage not yet collected. */
const collectGarbage: () => void = (() => {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  v8.setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

async function settleMemory(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 50));
  collectGarbage();
  collectGarbage();
}

// Each emulator gets a fresh principal and the standard fixtures.
beforeAll(async () => {
  for (const driver of DRIVERS) {
    driver.server = await driver.adapter.emulator!.start(driver.spec, driver.principal, new Deviations());
    const { seed } = driver.adapter.emulator!.fixtures(driver.region);
    const seeded = await fetch(`${driver.server.url}/_snapconform/seed`, adminPost({ region: driver.region, ...seed }));
    expect(seeded.status).toBe(200);
    // The battery sends bursts far beyond the documented per-second limits: it probes robustness, not throttling.
    const unlimited = await fetch(`${driver.server.url}/_snapconform/config`, adminPost({ limits: false }));
    expect(unlimited.status).toBe(200);
  }
});

const transport = new HttpTransport({ timeoutMs: ANSWER_TIMEOUT_MS });

afterAll(async () => {
  await transport.close();
  await Promise.all(DRIVERS.map((driver) => driver.server?.close()));
});

/** A valid call through the vendor's own client: the emulator is alive and still serves correctly. */
async function expectStillServing(driver: Driver): Promise<void> {
  const server = driver.server!;
  const target: TargetInfo = {
    name: `${driver.adapter.vendor}-robustness`, vendor: driver.adapter.vendor, endpoint: server.url, region: driver.region,
    credentials: { id: driver.principal.id, secret: driver.principal.secret }, emulator: true,
  };
  const client = driver.adapter.createClient(target, driver.spec, transport);
  const { roles } = driver.adapter.emulator!.fixtures(driver.region);
  const disk = roles.otherInstanceDisk!;
  const { createSnapshot, describeSnapshot } = driver.adapter.canonical;
  if (!createSnapshot || !describeSnapshot) throw new Error(`${driver.adapter.vendor}: the adapter maps no createSnapshot/describeSnapshot`);
  const created = await client.call('CreateSnapshot', createSnapshot.params({ diskId: disk, name: 'AliveCheck1' }));
  expect(created.ok, JSON.stringify(created.body)).toBe(true);
  const id = createSnapshot.snapshotId(created);
  expect(id).toBeDefined();
  const described = await client.call('DescribeSnapshots', describeSnapshot.params(id!, driver.region));
  expect(described.ok, JSON.stringify(described.body)).toBe(true);
  expect(describeSnapshot.snapshot(described)).toMatchObject({ id, diskId: disk, name: 'AliveCheck1' });
}

// ------------------------------------------------------------------------------------------------------
// The battery every emulator gets
// ------------------------------------------------------------------------------------------------------

const DEPTH = 100_000;

for (const driver of DRIVERS) {
  const vendor = driver.adapter.vendor;
  const server = () => driver.server!;
  const jsonVendor = driver !== alibaba; // Tencent and Zenlayer read a JSON body; Alibaba reads the query and forms.

  describe(`${vendor} emulator under malformed and hostile requests`, () => {
    it('answers a signed malformed JSON body with the vendor error', async () => {
      for (const body of ['{"DiskId": ', '{', '}', '{"a":1,}', "{'a':1}", 'not json', '\u0000', '{"a":1}{"b":2}', '{"a":1} trailing']) {
        const answer = await send(server(), driver.signed({ body }));
        driver.expectError(answer, jsonVendor ? driver.spec.vendor === 'zenlayer-zec' ? 'INVALID_PARAMETER' : 'InvalidParameter' : undefined);
      }
    });

    it('answers JSON that is not an object (array, string, null, number, boolean) with the vendor error', async () => {
      for (const body of ['[]', '[{"DiskId":"x"}]', '"DiskId"', 'null', '42', 'true']) {
        const answer = await send(server(), driver.signed({ body }));
        driver.expectError(answer, jsonVendor ? undefined : requiredDiskIdCode(driver));
      }
    });

    it('answers a wrong content type (multipart, XML; for Alibaba also JSON and text/plain) with the vendor error', async () => {
      const { roles } = driver.adapter.emulator!.fixtures(driver.region);
      const params = driver.adapter.validRequest('CreateSnapshot', roles)!;
      const json = JSON.stringify(params);
      const boundary = 'snapconformboundary';
      const multipart = Object.entries(params)
        .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${String(value)}\r\n`)
        .join('') + `--${boundary}--\r\n`;
      // A multipart form (Tencent takes multipart only for specific upload APIs, none of these) and XML.
      const cases: Array<[string | null, string]> = [
        [`multipart/form-data; boundary=${boundary}`, multipart],
        ['application/xml', `<CreateSnapshot><DiskId>${roles.sameInstanceDisks[0]}</DiskId></CreateSnapshot>`],
      ];
      // The RPC API reads parameters from the query and urlencoded forms only: a JSON body carries none.
      if (driver === alibaba) cases.push(['application/json', json], ['text/plain', json], [null, json]);
      // TC3 signs content-type: without one the signature cannot verify.
      if (driver === tencent) cases.push([null, json]);
      for (const [contentType, body] of cases) {
        const answer = await send(server(), driver.signed({ body, contentType }));
        driver.expectError(answer, driver === alibaba ? requiredDiskIdCode(driver) : undefined, String(contentType));
      }
    });

    it('answers an empty body with the vendor error for the missing required parameter', async () => {
      const answer = await send(server(), driver.signed({ body: '' }));
      driver.expectError(answer, requiredDiskIdCode(driver));
    });

    it('refuses a 20 MB body with 413, and memory stays bounded across repeated uploads', async () => {
      const big = Buffer.alloc(20 * MiB, 0x20);
      big.write('{"DiskId":"');
      const request = driver.signed({ body: big });
      // Warm up both ways (the first uploads grow allocator pools that stay), then measure.
      expectClean4xx(await send(server(), request), 413);
      expectClean4xx(await send(server(), { ...request, chunked: true }), 413);
      await settleMemory();
      const { rss: before, external: externalBefore } = process.memoryUsage();
      for (let i = 0; i < 4; i++) {
        expectClean4xx(await send(server(), request), 413);
        expectClean4xx(await send(server(), { ...request, chunked: true }), 413);
      }
      await settleMemory();
      const { rss: after, external: externalAfter } = process.memoryUsage();
      const growthMiB = (after - before) / MiB;
      // A declared length far beyond what the server drains is refused at once, without waiting for the body.
      const declared = await send(server(), { ...request, body: big.subarray(0, MiB), holdOpen: true, headers: { ...request.headers, 'content-length': String(1024 * MiB) } });
      expectClean4xx(declared, 413);
      console.info(`[memory] ${vendor}: rss ${(before / MiB).toFixed(1)} MiB → ${(after / MiB).toFixed(1)} MiB after 8 × 20 MiB uploads (growth ${growthMiB.toFixed(1)} MiB; external ${((externalAfter - externalBefore) / MiB).toFixed(1)} MiB)`);
      // Bodies are Buffers, counted in `external`: one retained 20 MiB body would show there. RSS also moves
      // with the allocator and this test's own buffers on a shared machine, so it only guards against a gross leak.
      expect((externalAfter - externalBefore) / MiB).toBeLessThan(20);
      expect(growthMiB).toBeLessThan(120);
    });

    it('answers invalid UTF-8 in a signed body in the vendor envelope, never a crash', async () => {
      // Only "no crash" is asserted here: all three front ends currently decode the bytes lossily (U+FFFD) and
      // accept the request, where an error envelope is expected (reported to the front-end owners).
      const { roles } = driver.adapter.emulator!.fixtures(driver.region);
      const disk = roles.otherInstanceDisk!;
      // \xC3\x28 (a bad continuation), \xFF (never valid), an overlong '/' (\xC0\xAF), a lone surrogate (\xED\xA0\x80),
      // inside a free-text field of an otherwise valid create.
      for (const bad of [[0xc3, 0x28], [0xff, 0xfe], [0xc0, 0xaf], [0xed, 0xa0, 0x80]]) {
        const name = Buffer.concat([Buffer.from('Utf8Text'), Buffer.from(bad), Buffer.from('x')]);
        const body = driver === tencent
          ? Buffer.concat([Buffer.from(`{"DiskId":"${disk}","SnapshotName":"`), name, Buffer.from('"}')])
          : driver === zenlayer
            ? Buffer.concat([Buffer.from(`{"diskId":"${disk}","snapshotName":"`), name, Buffer.from('"}')])
            : Buffer.concat([Buffer.from(`DiskId=${disk}&Description=`), name]);
        const answer = await send(server(), driver.signed({ body, contentType: jsonVendor ? undefined : 'application/x-www-form-urlencoded' }));
        expectVendorEnvelope(driver, answer);
      }
    });

    it('answers deeply nested JSON (100 000 levels) with the vendor error, without blowing the stack', async () => {
      const deepArray = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
      const deepObject = '{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH);
      const bodies = [
        deepArray,
        '['.repeat(DEPTH), // unclosed
        `{"DiskId":${deepArray}}`,
        `{"DiskId":"x","Extra":${deepObject}}`,
        `{"diskId":${deepObject}}`,
      ];
      for (const body of bodies) {
        const answer = await send(server(), driver.signed({ body }));
        driver.expectError(answer);
      }
    });

    it('answers a header flood with a clean 4xx (over the size limit) or the vendor error (under it)', async () => {
      // 2000 headers, ~100 KB: over the server's header limit (64 KiB).
      const flood: Record<string, string> = {};
      for (let i = 0; i < 2000; i++) flood[`x-flood-header-${i}`] = `value-${'v'.repeat(24)}-${i}`;
      expectClean4xx(await send(server(), driver.signed({ body: '{}', extraHeaders: flood })), 431);
      // 3000 tiny headers, ~25 KB: under the size limit but over the field count, refused rather than cut short.
      const tiny: Record<string, string> = {};
      for (let i = 0; i < 3000; i++) tiny[`t${i}`] = '1';
      expectClean4xx(await send(server(), driver.signed({ body: '{}', extraHeaders: tiny })), 431);
      // 1500 short unsigned headers, ~13 KB: under both limits, so every field, Host and the signed ones
      // included, reaches the front end, which refuses the empty create.
      const many: Record<string, string> = {};
      for (let i = 0; i < 1500; i++) many[`h${i}`] = '1';
      driver.expectError(await send(server(), driver.signed({ body: '', extraHeaders: many })), requiredDiskIdCode(driver));
      // One header repeated 500 times: node joins the values, which then name no action.
      const actionHeader = { [tencent.adapter.vendor]: 'x-tc-action', [alibaba.adapter.vendor]: 'x-acs-action', [zenlayer.adapter.vendor]: 'x-zc-action' }[vendor]!;
      const repeated = driver.signed({ body: '' });
      repeated.headers[actionHeader] = Array.from({ length: 500 }, () => 'CreateSnapshot');
      expectErrorOr4xx(driver, await send(server(), repeated));
    });

    it('answers unknown, inherited-name and missing actions with the vendor error', async () => {
      const codes = { 'tencent-cbs': 'InvalidAction', 'alibaba-ecs': 'InvalidAction', 'zenlayer-zec': 'INVALID_PARAMETER' } as Record<string, string>;
      for (const action of ['NoSuchAction', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'createsnapshot', 'Create Snapshot', 'Create%20Snapshot', 'x'.repeat(4000)]) {
        driver.expectError(await send(server(), driver.signed({ action, body: '{}' })), codes[vendor]);
      }
      driver.expectError(await send(server(), driver.signed({ action: null, body: '{}' })), driver === zenlayer ? 'INVALID_PARAMETER' : 'MissingParameter');
    });

    it('answers unknown and missing versions with the vendor error', async () => {
      const codes = { 'tencent-cbs': 'NoSuchVersion', 'alibaba-ecs': 'InvalidParameter', 'zenlayer-zec': 'INVALID_PARAMETER' } as Record<string, string>;
      for (const version of ['1999-01-01', '', 'constructor', '__proto__', `${driver.spec.version} `.repeat(2), 'v'.repeat(4000)]) {
        driver.expectError(await send(server(), driver.signed({ version, body: '{}' })), codes[vendor]);
      }
      driver.expectError(await send(server(), driver.signed({ version: null, body: '{}' })), codes[vendor]);
    });

    it('answers a GET with a huge query with a clean 4xx (over the header limit) or the vendor error', async () => {
      const huge = `a=${'x'.repeat(64 * 1024)}`;
      expectClean4xx(await send(server(), driver.signed({ method: 'GET', query: huge })));
      // Just under node's limit: many parameters reach the front end.
      const many = Array.from({ length: 1200 }, (_, i) => `p${i}=v`).join('&');
      driver.expectError(await send(server(), driver.signed({ method: 'GET', query: many })));
    });

    it('keeps Object.prototype clean when a JSON body names __proto__ and constructor.prototype', async () => {
      for (const body of [
        '{"__proto__":{"x":"polluted","polluted":true},"DiskId":"d"}',
        '{"constructor":{"prototype":{"x":"polluted","polluted":true}}}',
        '{"diskId":"d","snapshotName":"n","__proto__":{"x":"polluted"},"constructor":{"prototype":{"polluted":true}}}',
      ]) {
        const answer = await send(server(), driver.signed({ body }));
        driver.expectError(answer);
        expectPrototypeClean();
      }
    });

    it('answers a request without a signature, with a garbage Authorization, and to other methods, with the vendor error', async () => {
      const unsigned = driver.signed({ body: '{}' });
      delete unsigned.headers['authorization'];
      driver.expectError(await send(server(), unsigned));
      for (const authorization of ['garbage', 'TC3-HMAC-SHA256 Credential=', 'ACS3-HMAC-SHA256 Credential=a,SignedHeaders=,Signature=zz', `${ZC2_ALGORITHM} ${'x'.repeat(8000)}`, 'Bearer ']) {
        const request = driver.signed({ body: '{}' });
        request.headers['authorization'] = authorization;
        driver.expectError(await send(server(), request), undefined, `authorization ${authorization.slice(0, 40)}`);
      }
      for (const method of ['PUT', 'DELETE', 'PATCH']) {
        const request = driver.signed({ body: '{}' });
        driver.expectError(await send(server(), { ...request, method }), undefined, method);
      }
    });

    it('still answers a valid signed request correctly after the battery', async () => {
      await expectStillServing(driver);
      expectPrototypeClean();
    });
  });
}

// ------------------------------------------------------------------------------------------------------
// Vendor-specific paths
// ------------------------------------------------------------------------------------------------------

describe('tencent-cbs emulator: region, GET and signature v1', () => {
  const server = () => tencent.server!;

  it('answers a missing or empty region with MissingParameter', async () => {
    const request = tencent.signed({ action: 'DescribeSnapshots', body: '{}' });
    delete request.headers['x-tc-region'];
    // x-tc-region is not signed (content-type;host only), so removing it keeps the signature valid.
    tencent.expectError(await send(server(), request), 'MissingParameter');
    const empty = tencent.signed({ action: 'DescribeSnapshots', body: '{}' });
    empty.headers['x-tc-region'] = '';
    tencent.expectError(await send(server(), empty), 'MissingParameter');
  });

  it('answers invalid UTF-8 in a TC3 GET query value in the vendor envelope, never a crash', async () => {
    // Accepted lossily today (U+FFFD) where an error is expected: reported; only "no crash" is asserted.
    for (const value of ['%FF%FE', '%C3%28', '%C0%AF', '%ED%A0%80']) {
      const answer = await send(server(), tencent.signed({ method: 'GET', action: 'CreateSnapshot', query: `DiskId=disk-fixture4&SnapshotName=Utf8Text${value}x` }));
      expectVendorEnvelope(tencent, answer);
    }
  });

  it('answers malformed percent-encoding in a TC3 GET query with the vendor envelope, never a crash', async () => {
    for (const query of ['SnapshotIds.0=%', 'SnapshotIds.0=%ZZ', '%=%', '&&&==&', 'SnapshotIds..0=a', 'SnapshotIds.0.=a', '.=a']) {
      const answer = await send(server(), tencent.signed({ method: 'GET', action: 'DescribeSnapshots', query }));
      expect(answer.status).toBe(200);
      expect(answer.json, answer.text).toMatchObject({ Response: { RequestId: expect.stringMatching(UUID) } });
    }
  });

  it('keeps Object.prototype clean for __proto__.x and constructor.prototype.x in a TC3 GET and a v1 GET', async () => {
    const names = ['__proto__.x', 'constructor.prototype.x', '__proto__.polluted', 'Filters.__proto__.x', 'Filters.0.__proto__.polluted', 'prototype.x'];
    for (const name of names) {
      const tc3 = await send(server(), tencent.signed({ method: 'GET', action: 'DescribeSnapshots', query: `${encodeURIComponent(name)}=polluted` }));
      expect(tc3.status).toBe(200);
      expect(tc3.json, tc3.text).toMatchObject({ Response: { RequestId: expect.stringMatching(UUID) } });
      expectPrototypeClean();
      const v1 = await send(server(), tencentV1Get([[name, 'polluted']]));
      expect(v1.status).toBe(200);
      expect(v1.json, v1.text).toMatchObject({ Response: { RequestId: expect.stringMatching(UUID) } });
      expectPrototypeClean();
    }
  });

  it('answers a v1 GET with invalid UTF-8 in a value in the vendor envelope, never a crash', async () => {
    // The verifier decodes the query before signing, so sign what it decodes (U+FFFD) and send the raw bytes.
    const common: Array<[string, string]> = [
      ['Action', 'CreateSnapshot'], ['Region', tencent.region], ['Version', tencent.spec.version], ['Timestamp', String(now())],
      ['Nonce', String(randomInt(1, 1_000_000))], ['SecretId', tencent.principal.id], ['DiskId', 'disk-fixture4'],
    ];
    const { signature } = signV1({ method: 'GET', host: host(tencent.server), params: [...common, ['SnapshotName', 'Utf8Text\uFFFD\uFFFDx']], secretKey: tencent.principal.secret });
    const query = [...common.map(([n, v]) => `${n}=${encodeURIComponent(v)}`), 'SnapshotName=Utf8Text%FF%FEx', `Signature=${encodeURIComponent(signature)}`].join('&');
    expectVendorEnvelope(tencent, await send(server(), { method: 'GET', path: `/?${query}`, headers: {} }));
  });
});

describe('alibaba-ecs emulator: query encoding, Format and RPC V2', () => {
  const server = () => alibaba.server!;

  it('answers a V3 request with malformed query encoding with the vendor error', async () => {
    for (const query of ['DiskId=%ZZ&=x', 'DiskId=%', '%=%&DiskId', 'DiskId=%E0%A4%A', '&&&==&', 'DiskId=a&DiskId=b&DiskId', 'Tag..Key=a', 'Tag.1.=a', '.=a']) {
      const answer = await send(server(), alibaba.signed({ query }));
      alibaba.expectError(answer);
    }
  });

  it('answers invalid UTF-8 in V3 query values in the vendor envelope, never a crash', async () => {
    // Signed as the verifier decodes it (U+FFFD). Accepted lossily today where an error is expected: reported.
    for (const value of ['%FF%FE', '%C3%28', '%C0%AF', '%ED%A0%80']) {
      const answer = await send(server(), alibaba.signed({ query: `DiskId=d-bp1fixture0000000004&Description=Utf8Text${value}x` }));
      expectVendorEnvelope(alibaba, answer);
    }
  });

  it('answers a V2 request with a bogus, empty or missing Format in a vendor envelope', async () => {
    for (const format of ['BOGUS', '', 'jsonp', 'XML\u0000', undefined]) {
      const answer = await send(server(), alibabaV2Get('DescribeDisks', [['RegionId', alibaba.region]], { Format: format }));
      // A success (JSON, or XML — the documented default) or a 4xx error envelope; never a 5xx.
      expect(answer.status, `Format=${String(format)} ${answer.status} ${answer.text.slice(0, 300)}`).toBeLessThan(500);
      const contentType = String(answer.headers['content-type'] ?? '');
      if (contentType.startsWith('text/xml')) expect(answer.text).toMatch(/<RequestId>[0-9A-F-]{36}<\/RequestId>/);
      else expect(answer.json, `Format=${String(format)} ${answer.status} ${answer.text.slice(0, 300)}`).toMatchObject({ RequestId: expect.stringMatching(UUID) });
    }
  });

  it('answers a V2 request with malformed signature parameters with the vendor error', async () => {
    for (const common of [{ SignatureMethod: 'HMAC-SHA1\u0000' }, { Timestamp: 'not-a-time' }, { AccessKeyId: '' }, { SignatureVersion: '%' }, { SignatureNonce: undefined }]) {
      const request = alibabaV2Get('DescribeDisks', [['RegionId', alibaba.region]], common);
      alibaba.expectError(await send(server(), request), undefined, JSON.stringify(common));
    }
    const signed = alibabaV2Get('DescribeDisks', [['RegionId', alibaba.region]]);
    alibaba.expectError(await send(server(), { ...signed, path: signed.path.replace(/&?Signature=[^&]*/, '') }), 'MissingParameter');
    const tampered = alibabaV2Get('DescribeDisks', [['RegionId', alibaba.region]]);
    alibaba.expectError(await send(server(), { ...tampered, path: tampered.path.replace(/Signature=[^&]*/, 'Signature=%ZZ%') }), 'SignatureDoesNotMatch');
  });

  it('keeps Object.prototype clean for __proto__.x and constructor.prototype.x in a V3 query and a V2 query', async () => {
    for (const name of ['__proto__.x', 'constructor.prototype.x', '__proto__', 'Tag.1.__proto__.polluted', 'Tag.__proto__.x', 'hasOwnProperty', 'Tag.1.constructor']) {
      const v3 = await send(server(), alibaba.signed({ action: 'DescribeDisks', query: `RegionId=${alibaba.region}&${encodeURIComponent(name)}=polluted` }));
      alibaba.expectError(v3, 'InvalidParameter', `V3 ${name}`);
      expectPrototypeClean();
      const v2 = await send(server(), alibabaV2Get('DescribeDisks', [['RegionId', alibaba.region], [name, 'polluted']]));
      alibaba.expectError(v2, 'InvalidParameter', `V2 ${name}`);
      expectPrototypeClean();
    }
    // `prototype` is not an Object.prototype name: the codec lets it through and unflattening skips it, so the
    // request is answered (today: as if the parameter were absent); the prototype stays clean either way.
    for (const name of ['prototype.x', 'Tag.1.prototype.polluted']) {
      expectVendorEnvelope(alibaba, await send(server(), alibaba.signed({ action: 'DescribeDisks', query: `RegionId=${alibaba.region}&${encodeURIComponent(name)}=polluted` })));
      expectPrototypeClean();
    }
  });

  it('answers hostile JSON-array id lists (objects with toString, deep nesting) with the vendor error', async () => {
    const deep = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
    for (const [action, name, value] of [
      ['DescribeSnapshots', 'SnapshotIds', '[{"toString":1}]'],
      ['DescribeSnapshots', 'SnapshotIds', '[{"toString":{},"valueOf":{}}]'],
      ['DescribeDisks', 'DiskIds', '[{"toString":1}]'],
      ['DescribeSnapshots', 'SnapshotIds', deep],
      ['DescribeSnapshots', 'SnapshotIds', '['.repeat(DEPTH)],
    ] as const) {
      // In a form body: the deep value is too long for a request line.
      const form = new URLSearchParams([['RegionId', alibaba.region], [name, value]]).toString();
      const answer = await send(server(), alibaba.signed({ action, body: form, contentType: 'application/x-www-form-urlencoded' }));
      alibaba.expectError(answer, 'InvalidParameter', `${name}=${value.slice(0, 30)}`);
    }
  });
});

describe('zenlayer-zec emulator: path and protocol', () => {
  const server = () => zenlayer.server!;

  it('answers another path, a GET and a query string with the vendor error or envelope, never a crash', async () => {
    const wrongPath = zenlayer.signed({ body: '{}' });
    for (const path of ['/', '/api/v2/zec/', '/api/v2/ZEC', '/api/v2/zec/../zec', `/${'x'.repeat(8000)}`, '/%ZZ', '/%FF']) {
      zenlayer.expectError(await send(server(), { ...wrongPath, path }), 'INVALID_PARAMETER');
    }
    zenlayer.expectError(await send(server(), zenlayer.signed({ method: 'GET', action: 'DescribeSnapshots' })), 'INVALID_PARAMETER');
    // The query is not signed and carries nothing (§B1); a request with one is read from its body.
    const withQuery = await send(server(), zenlayer.signed({ action: 'DescribeSnapshots', body: '{}', query: '__proto__.x=polluted&%FF=%FE' }));
    expect(zenlayer.isSuccess(withQuery), withQuery.text.slice(0, 300)).toBe(true);
    expectPrototypeClean();
  });
});

describe('the admin API under malformed requests', () => {
  it('answers malformed, non-object and deeply nested admin bodies with a clean 4xx', async () => {
    for (const driver of DRIVERS) {
      for (const body of ['{', '[]', 'null', '"x"', '['.repeat(DEPTH) + ']'.repeat(DEPTH), '['.repeat(DEPTH)]) {
        const answer = await send(driver.server!, { method: 'POST', path: '/_snapconform/seed', headers: { 'content-type': 'application/json' }, body });
        expectClean4xx(answer);
      }
      const json = { 'content-type': 'application/json' };
      // Nested inside an object: refused by the clock's schema (advanceMs is a number).
      const nested = await send(driver.server!, { method: 'POST', path: '/_snapconform/clock', headers: json, body: `{"advanceMs":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}` });
      expectClean4xx(nested, 400);
      const unknown = await send(driver.server!, { method: 'POST', path: '/_snapconform/nothing', headers: json, body: '{}' });
      expectClean4xx(unknown, 404);
      // Fields no schema names (__proto__, constructor) are refused, and pollute nothing on the way.
      const polluting = await send(driver.server!, { method: 'POST', path: '/_snapconform/config', headers: json, body: '{"__proto__":{"x":"polluted"},"constructor":{"prototype":{"polluted":true}}}' });
      expectClean4xx(polluting, 400);
      expectPrototypeClean();
    }
  });
});

describe('front-end bugs found by this battery, fixed', () => {
  it('B1 Tencent: refuses a TC3 POST whose content type is text/plain', async () => {
    const answer = await send(tencent.server!, tencent.signed({ body: JSON.stringify({ DiskId: 'disk-fixture4' }), contentType: 'text/plain' }));
    tencent.expectError(answer);
  });

  it('B2 Zenlayer: refuses a body sent as text/plain or with no content type', async () => {
    for (const contentType of ['text/plain', null]) {
      const answer = await send(zenlayer.server!, zenlayer.signed({ body: JSON.stringify({ diskId: '862857204414550004', snapshotName: 'CtNeg' }), contentType }));
      zenlayer.expectError(answer, 'INVALID_PARAMETER', String(contentType));
    }
  });

  it('B3 all: refuses invalid UTF-8 in a body or a query value instead of decoding it to U+FFFD', async () => {
    const bad = Buffer.from([0xff, 0xfe]);
    const withBad = (prefix: string, suffix = '') => Buffer.concat([Buffer.from(prefix), Buffer.from('Utf8Text'), bad, Buffer.from('x' + suffix)]);
    tencent.expectError(await send(tencent.server!, tencent.signed({ body: withBad('{"DiskId":"disk-fixture4","SnapshotName":"', '"}') })), 'InvalidParameter', 'tencent body');
    tencent.expectError(await send(tencent.server!, tencent.signed({ method: 'GET', query: 'DiskId=disk-fixture4&SnapshotName=Utf8Text%FF%FEx' })), 'InvalidParameter', 'tencent TC3 GET');
    zenlayer.expectError(await send(zenlayer.server!, zenlayer.signed({ body: withBad('{"diskId":"862857204414550004","snapshotName":"', '"}') })), 'INVALID_PARAMETER', 'zenlayer body');
    alibaba.expectError(await send(alibaba.server!, alibaba.signed({ body: withBad('DiskId=d-bp1fixture0000000004&Description='), contentType: 'application/x-www-form-urlencoded' })), 'InvalidParameter', 'alibaba form');
    alibaba.expectError(await send(alibaba.server!, alibaba.signed({ query: 'DiskId=d-bp1fixture0000000004&Description=Utf8Text%FF%FEx' })), 'InvalidParameter', 'alibaba query');
  });

  it('keeps a literal % in a JSON value (only form bodies are percent-decoded)', async () => {
    const answer = await send(tencent.server!, tencent.signed({ body: JSON.stringify({ DiskId: 'disk-fixture4', SnapshotName: 'full at 50%ff' }) }));
    expect(answer.text).toContain('SnapshotId');
  });

  it('B4 Tencent: answers deeply nested flattened names (a.a.a…) with the vendor error, not a 500', async () => {
    const name = (depth: number) => Array.from({ length: depth }, () => 'a').join('.');
    tencent.expectError(await send(tencent.server!, tencent.signed({ method: 'GET', action: 'DescribeSnapshots', query: `${name(3000)}=1` })), 'UnknownParameter', 'TC3 GET');
    const common: Array<[string, string]> = [
      ['Action', 'DescribeSnapshots'], ['Region', tencent.region], ['Version', tencent.spec.version], ['Timestamp', String(now())],
      ['Nonce', String(randomInt(1, 1_000_000))], ['SecretId', tencent.principal.id],
    ];
    const wire = signV1Request({ method: 'POST', host: host(tencent.server), params: [...common, [name(DEPTH), '1']], secretKey: tencent.principal.secret });
    tencent.expectError(await send(tencent.server!, { method: 'POST', path: '/', headers: { 'content-type': wire.contentType! }, body: wire.body }), 'UnknownParameter', 'v1 POST');
  });

  it('B5 Alibaba: answers deeply nested flattened names (Tag.1.a.a…) quickly, with the vendor error', async () => {
    const name = (depth: number) => ['Tag', '1', ...Array.from({ length: depth }, () => 'a')].join('.');
    const started = performance.now();
    alibaba.expectError(await send(alibaba.server!, alibaba.signed({ query: `DiskId=d-bp1fixture0000000001&${name(3000)}=1` })), 'InvalidParameter', '3000 deep');
    alibaba.expectError(await send(alibaba.server!, alibaba.signed({ body: `DiskId=d-bp1fixture0000000001&${name(DEPTH)}=1`, contentType: 'application/x-www-form-urlencoded' })), 'InvalidParameter', '100 000 deep');
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
