import { afterAll, describe, expect, it } from 'vitest';
import { Deviations } from '../../src/emulator/deviations/catalogue.ts';
import type { RunningServer } from '../../src/emulator/http-server.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import { HttpTransport } from '../../src/transport/http-transport.ts';
import { adapterFor, SPEC_FILES } from '../../src/vendors/registry.ts';
import type { Params, RawClient } from '../../src/vendors/vendor-adapter.ts';
import { adminPost } from '../../src/emulator/admin-client.ts';

// Each adapter's rawClient sends exactly the departure asked for, and the emulator answers it with the code
// the adapter's authErrors names; with the matching deviation, the emulator lets it through instead.
const VENDORS = Object.keys(SPEC_FILES) as Array<keyof typeof SPEC_FILES>;
const transport = new HttpTransport();
const servers: RunningServer[] = [];
afterAll(async () => {
  await transport.close();
  await Promise.all(servers.map((s) => s.close()));
});

async function start(vendor: (typeof VENDORS)[number], deviations: string[] = []): Promise<{ raw: RawClient; params: Params; action: string }> {
  const adapter = adapterFor(vendor)!;
  const spec = loadSpec(SPEC_FILES[vendor]);
  const principal = { id: `AKIDRAWCLIENT${vendor.replace(/-/g, '').toUpperCase()}`, secret: 'raw-client-secret', account: 'raw' };
  const server = await adapter.emulator!.start(spec, principal, new Deviations(deviations));
  servers.push(server);
  const { seed, roles } = adapter.emulator!.fixtures('ap-guangzhou');
  await fetch(`${server.url}/_snapconform/seed`, adminPost({ region: 'ap-guangzhou', ...seed }));
  const target = { name: vendor, vendor, endpoint: server.url, region: 'ap-guangzhou', credentials: { id: principal.id, secret: principal.secret }, emulator: true };
  const action = spec.forCanonical('describeSnapshots')!.action;
  return { raw: adapter.rawClient!(target, spec, transport), params: adapter.validRequest(action, roles)!, action };
}

describe.each(VENDORS)('%s rawClient', (vendor) => {
  const codes = adapterFor(vendor)!.authErrors!;

  it('sends a correct call when asked for no departure', async () => {
    const { raw, params, action } = await start(vendor);
    const result = await raw.call(action, params);
    expect(result.ok, result.error?.code).toBe(true);
  });

  it('sends each departure and is refused with the code authErrors names', async () => {
    const { raw, params, action } = await start(vendor);
    expect((await raw.call(action, params, { wrongSecret: true })).error?.code).toBe(codes.wrongSignature!.code);
    expect((await raw.call(action, params, { unknownKey: true })).error?.code).toBe(codes.unknownKey!.code);
    expect((await raw.call(action, params, { timestampOffsetSeconds: -3600 })).error?.code).toBe(codes.expired!.code);
    const unknownAction = await raw.call(action, params, { action: 'SnapconformNoSuchAction' });
    expect(unknownAction.ok).toBe(false);
    if (codes.unknownAction) expect(unknownAction.error?.code).toBe(codes.unknownAction.code);
    const unknownVersion = await raw.call(action, params, { version: '2000-01-01' });
    expect(unknownVersion.ok).toBe(false);
    if (codes.unknownVersion) expect(unknownVersion.error?.code).toBe(codes.unknownVersion.code);
    if (codes.replayedNonce) {
      expect((await raw.call(action, params)).ok).toBe(true);
      expect((await raw.call(action, params, { repeatNonce: true })).error?.code).toBe(codes.replayedNonce.code);
    } else {
      expect(() => raw.call(action, params, { repeatNonce: true })).toThrow(/nonce/);
    }
  });

  it('is let through by the emulator under the auth deviations', async () => {
    const { raw, params, action } = await start(vendor, ['signature-not-checked', 'clock-skew-not-enforced', 'nonce-replay-accepted']);
    expect((await raw.call(action, params, { wrongSecret: true })).ok).toBe(true);
    expect((await raw.call(action, params, { timestampOffsetSeconds: -3600 })).ok).toBe(true);
    // An unknown key stays unknown: the signature is not what refuses it.
    expect((await raw.call(action, params, { unknownKey: true })).error?.code).toBe(codes.unknownKey!.code);
    if (codes.replayedNonce) expect((await raw.call(action, params, { repeatNonce: true })).ok).toBe(true);
  });
});
