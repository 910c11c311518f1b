import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminPost } from '../../src/emulator/admin-client.ts';
import { MAX_CLOCK_STEP_MS } from '../../src/emulator/admin-requests.ts';
import { Deviations } from '../../src/emulator/deviations/catalogue.ts';
import type { RunningServer } from '../../src/emulator/http-server.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import { HttpTransport } from '../../src/transport/http-transport.ts';
import { adapterFor, SPEC_FILES } from '../../src/vendors/registry.ts';
import type { Params, RawClient } from '../../src/vendors/vendor-adapter.ts';

// The admin API has no credentials: what keeps a web page in the developer's browser from reconfiguring an
// emulator is the same-origin and content-type gate, and what keeps a careless call from breaking it is the
// schema of every body. Each refusal leaves the emulator as it was, its clock included.

const VENDORS = Object.keys(SPEC_FILES) as Array<keyof typeof SPEC_FILES>;
const transport = new HttpTransport();
const started: Array<{ vendor: (typeof VENDORS)[number]; server: RunningServer; raw: RawClient; params: Params; action: string }> = [];

beforeAll(async () => {
  for (const vendor of VENDORS) {
    const adapter = adapterFor(vendor)!;
    const spec = loadSpec(SPEC_FILES[vendor]);
    const principal = { id: `AKIDADMINAPITEST${vendor.replace(/-/g, '').toUpperCase()}`, secret: 'admin-api-secret', account: 'admin' };
    const server = await adapter.emulator!.start(spec, principal, new Deviations());
    const { seed, roles } = adapter.emulator!.fixtures('ap-guangzhou');
    expect((await fetch(`${server.url}/_snapconform/seed`, adminPost({ region: 'ap-guangzhou', ...seed }))).status).toBe(200);
    const target = { name: vendor, vendor, endpoint: server.url, region: 'ap-guangzhou', credentials: { id: principal.id, secret: principal.secret }, emulator: true };
    const action = spec.forCanonical('describeSnapshots')!.action;
    started.push({ vendor, server, raw: adapter.rawClient!(target, spec, transport), params: adapter.validRequest(action, roles)!, action });
  }
});
afterAll(async () => {
  await transport.close();
  await Promise.all(started.map((s) => s.server.close()));
});

/** One admin request with the headers given (and no others but what fetch adds). */
async function post(server: RunningServer, route: string, body: string, headers: Record<string, string>): Promise<{ status: number; error?: string; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}/_snapconform/${route}`, { method: 'POST', headers, body });
  const parsed = (await response.json()) as Record<string, unknown>;
  return { status: response.status, error: parsed['error'] as string | undefined, body: parsed };
}

const config = async (server: RunningServer) => (await (await fetch(`${server.url}/_snapconform/config`)).json()) as { creationMs: number; deviations: string[]; clock: { mode: string; offsetMs: number; now: string } };
const JSON_TYPE = { 'content-type': 'application/json' };

describe.each(VENDORS)('%s admin API', (vendor) => {
  const emulator = () => started.find((s) => s.vendor === vendor)!;

  it('refuses a cross-origin text/plain POST that would switch signature checks off', async () => {
    const { server } = emulator();
    // What <form enctype="text/plain"> or fetch(..., {mode: 'no-cors'}) on evil.example sends: no preflight.
    const csrf = await post(server, 'config', JSON.stringify({ deviations: ['signature-not-checked'] }), { 'content-type': 'text/plain', origin: 'http://evil.example' });
    expect(csrf.status).toBe(403);
    expect(csrf.error).toMatch(/^admin: cross-origin admin requests are refused \(Origin: http:\/\/evil\.example\)/);
    // Not even as JSON, nor from another loopback port (another local dev server), nor from an opaque origin.
    for (const origin of ['http://evil.example', 'evil.example', `http://localhost:${server.port + 1}`, `https://127.0.0.1:${server.port}`, 'null']) {
      expect((await post(server, 'config', JSON.stringify({ deviations: ['signature-not-checked'] }), { ...JSON_TYPE, origin })).status, origin).toBe(403);
    }
    expect((await fetch(`${server.url}/_snapconform/config`, { headers: { origin: 'http://evil.example' } })).status).toBe(403);
    expect((await config(server)).deviations).toEqual([]);
    const { raw, params, action } = emulator();
    expect((await raw.call(action, params, { wrongSecret: true })).ok).toBe(false);
  });

  it('refuses admin POST bodies that are not declared JSON, and serves its own loopback origin', async () => {
    const { server } = emulator();
    for (const headers of [{ 'content-type': 'text/plain' }, { 'content-type': 'application/x-www-form-urlencoded' }, {} as Record<string, string>]) {
      const refused = await post(server, 'config', JSON.stringify({ creationMs: 5 }), headers);
      expect(refused.status, JSON.stringify(headers)).toBe(415);
      expect(refused.error).toMatch(/^admin: admin POST bodies must be sent as Content-Type: application\/json/);
    }
    expect((await config(server)).creationMs).toBe(0);
    for (const origin of [`http://127.0.0.1:${server.port}`, `http://localhost:${server.port}`]) {
      expect((await post(server, 'config', '{"creationMs":0}', { 'content-type': 'application/json; charset=utf-8', origin })).status, origin).toBe(200);
    }
  });

  it('refuses clock moves it cannot show with a 400 and the reason, and signed calls still pass', async () => {
    const { server, raw, params, action } = emulator();
    const before = (await config(server)).clock;
    const refusals: Array<[string, RegExp]> = [
      ['{"advanceMs":1e300}', /^admin: clock: advanceMs must be <= \d+$/],
      ['{"advanceMs":-1e300}', /^admin: clock: advanceMs must be >= -\d+$/],
      ['{"advanceMs":1e400}', /^admin: clock: advanceMs must be integer$/],
      ['{"advanceMs":"soon"}', /^admin: clock: advanceMs must be integer$/],
      ['{"freeze":"garbage"}', /^admin: clock: freeze must be true or an ISO 8601 date-time$/],
      ['{"freeze":false}', /^admin: clock: freeze must be true or an ISO 8601 date-time$/],
      ['{"real":false}', /^admin: clock: real must be true$/],
      ['{"rewind":1}', /^admin: clock: the body has no field 'rewind'$/],
    ];
    for (const [body, reason] of refusals) {
      const refused = await post(server, 'clock', body, JSON_TYPE);
      expect(refused.status, body).toBe(400);
      expect(refused.error, body).toMatch(reason);
    }
    const after = (await config(server)).clock;
    expect(after.mode).toBe(before.mode);
    expect(after.offsetMs).toBe(before.offsetMs);
    const call = await raw.call(action, params);
    expect(call.ok, call.error?.code).toBe(true);
  });

  it('refuses a move past the year 9999 as a whole, steps within bounds included', async () => {
    const { server, raw, params, action } = emulator();
    expect((await post(server, 'clock', '{"freeze":"9999-06-01T00:00:00Z"}', JSON_TYPE)).status).toBe(200);
    const past = await post(server, 'clock', JSON.stringify({ advanceMs: MAX_CLOCK_STEP_MS }), JSON_TYPE);
    expect(past.status).toBe(400);
    expect(past.error).toBe('admin: clock: the clock would leave the years 1970 to 9999; it is unchanged');
    expect((await config(server)).clock.now).toBe('9999-06-01T00:00:00.000Z');
    // Frozen, then real again with a valid move: the clock works as before.
    expect((await post(server, 'clock', JSON.stringify({ real: true, advanceMs: 3_600_000 }), JSON_TYPE)).body).toMatchObject({ mode: 'real', offsetMs: 3_600_000 });
    expect((await post(server, 'clock', '{"real":true}', JSON_TYPE)).body).toMatchObject({ mode: 'real', offsetMs: 0 });
    const call = await raw.call(action, params);
    expect(call.ok, call.error?.code).toBe(true);
  });

  it('checks every field of config, seed and faults against bounds', async () => {
    const { server } = emulator();
    const seededIn = async () => (await post(server, 'seed', '{"region":"r"}', JSON_TYPE)).body['seeded'];
    const disksBefore = await seededIn();
    const refusals: Array<[string, string, RegExp]> = [
      ['config', '{"creationMs":1e308}', /^admin: config: creationMs must be <= \d+$/],
      ['config', '{"creationMs":-1}', /^admin: config: creationMs must be >= 0$/],
      ['config', '{"limits":"yes"}', /^admin: config: limits must be boolean$/],
      ['config', '{"deviations":["quota-off-by-two"]}', /^admin: config: deviations\[0\] must be one of accepts-invalid-enum, /],
      ['seed', '{"region":"r","disks":[{"id":"disk-huge","sizeGiB":"huge"}]}', /^admin: seed: disks\[0\]\.sizeGiB must be integer$/],
      ['seed', '{"region":"r","disks":[{"id":"disk-huge","sizeGiB":1e308}]}', /^admin: seed: disks\[0\]\.sizeGiB must be <= 65536$/],
      ['seed', '{"region":"r","disks":[{"sizeGiB":10}]}', /^admin: seed: disks\[0\] needs 'id'$/],
      ['seed', '{"region":"r","instances":[{"id":"i","state":"exploded"}]}', /^admin: seed: instances\[0\]\.state must be one of running, stopped, starting, stopping$/],
      ['seed', '{"region":"r","disks":[{"id":"d","createdAt":-1e300}]}', /^admin: seed: disks\[0\] has no field 'createdAt'$/],
      ['faults', '{"faults":[{"kind":"latency","latencyMs":1e12}]}', /^admin: faults: faults\[0\]\.latencyMs must be <= \d+$/],
      ['faults', '{}', /^admin: faults: the body needs 'faults'$/],
      ['reset', '{"everything":true}', /^admin: reset: the body has no field 'everything'$/],
    ];
    for (const [route, body, reason] of refusals) {
      const refused = await post(server, route, body, JSON_TYPE);
      expect(refused.status, `${route} ${body}`).toBe(400);
      expect(refused.error, `${route} ${body}`).toMatch(reason);
    }
    expect(await config(server)).toMatchObject({ creationMs: 0, deviations: [] });
    expect(await seededIn()).toBe(disksBefore);
  });
});
