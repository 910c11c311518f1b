import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ViolationRecorder } from '../../src/cli/violations.ts';
import { adminPost } from '../../src/emulator/admin-client.ts';
import type { EmulatorFrontEnd } from '../../src/emulator/front-end.ts';
import { listen, type RunningServer } from '../../src/emulator/http-server.ts';
import type { SourceRef } from '../../src/spec/spec-types.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import type { VendorSpec } from '../../src/spec/vendor-spec.ts';
import { HttpTransport } from '../../src/transport/http-transport.ts';
import { adapterFor, SPEC_FILES } from '../../src/vendors/registry.ts';
import type { Params, RawClient } from '../../src/vendors/vendor-adapter.ts';

// Strict mode (`snapconform emulate --strict`) cites, for each request that broke the documents, where they say
// so. A wrong signature or an expired timestamp breaks the signing and common-parameter sections (x-protocol),
// not the page of the operation the request happened to name ("3.5 DescribeDisks").

const VENDORS = Object.keys(SPEC_FILES) as Array<keyof typeof SPEC_FILES>;
const transport = new HttpTransport();
interface Started { frontEnd: EmulatorFrontEnd; server: RunningServer; spec: VendorSpec; raw: RawClient; params: Params; action: string }
const started = new Map<string, Started>();
const recorder = new ViolationRecorder(undefined);

beforeAll(async () => {
  for (const vendor of VENDORS) {
    const adapter = adapterFor(vendor)!;
    const spec = loadSpec(SPEC_FILES[vendor]);
    const principal = { id: `AKIDVIOLATIONSOURCE${vendor.replace(/-/g, '').toUpperCase()}`, secret: 'violation-source-secret', account: 'sources' };
    const frontEnd = adapter.emulator!.create({ spec, principals: [principal] });
    recorder.watch(vendor, frontEnd.requests);
    const server = await listen(frontEnd.handle);
    const { seed, roles } = adapter.emulator!.fixtures('ap-guangzhou');
    await fetch(`${server.url}/_snapconform/seed`, adminPost({ region: 'ap-guangzhou', ...seed }));
    const target = { name: vendor, vendor, endpoint: server.url, region: 'ap-guangzhou', credentials: { id: principal.id, secret: principal.secret }, emulator: true };
    // DescribeDisks: an operation whose own page says nothing about signatures.
    const action = spec.forCanonical('describeDisks')!.action;
    started.set(vendor, { frontEnd, server, spec, raw: adapter.rawClient!(target, spec, transport), params: adapter.validRequest(action, roles) ?? {}, action });
  }
});
afterAll(async () => {
  await transport.close();
  await Promise.all([...started.values()].map((s) => s.server.close()));
});

const asList = (refs: unknown): SourceRef[] => (Array.isArray(refs) ? refs : [refs]) as SourceRef[];
const sections = (refs: unknown) => asList(refs).map((r) => `${r.doc} ${r.section}`);

describe.each(VENDORS)('%s strict-mode citations', (vendor) => {
  it('cites the signing section for a wrong signature, and the time rules for an expired request', async () => {
    const { frontEnd, spec, raw, params, action } = started.get(vendor)!;
    const operationSections = sections(spec.action(action).source);
    const signing = spec.protocol.signatures.flatMap((s) => sections(s.source));

    expect((await raw.call(action, params, { wrongSecret: true })).ok).toBe(false);
    const wrong = frontEnd.requests.list().at(-1)!.violation!;
    expect(wrong).toMatchObject({ operation: action, rule: 'signature' });
    const wrongSections = sections(wrong.source);
    expect(wrongSections.length).toBeGreaterThan(0);
    for (const section of wrongSections) expect(signing, section).toContain(section);
    for (const section of operationSections) expect(wrongSections).not.toContain(section);

    expect((await raw.call(action, params, { timestampOffsetSeconds: -3600 })).ok).toBe(false);
    const expired = frontEnd.requests.list().at(-1)!.violation!;
    expect(expired).toMatchObject({ operation: action, rule: 'timestamp' });
    const timeSections = [
      ...sections(spec.protocol.clockSkewSeconds?.source ?? []),
      ...spec.protocol.commonParameters.filter((p) => /timestamp|date|nonce/i.test(p.name)).flatMap((p) => sections(p.source)),
    ];
    expect(sections(expired.source).length).toBeGreaterThan(0);
    expect(timeSections).toEqual(expect.arrayContaining(sections(expired.source)));
    for (const section of operationSections) expect(sections(expired.source)).not.toContain(section);
  });
});

describe('the signature a request carried', () => {
  it('is the one cited, where a vendor documents several (Tencent TC3 and v1, Alibaba ACS3 and RPC V2)', async () => {
    const tencent = started.get('tencent-cbs')!;
    await tencent.raw.call(tencent.action, tencent.params, { wrongSecret: true });
    const signing = (spec: VendorSpec, name: string) => sections(spec.protocol.signatures.find((s) => s.name === name || s.id === name)!.source);
    expect(sections(tencent.frontEnd.requests.list().at(-1)!.violation!.source)).toEqual(signing(tencent.spec, 'TC3-HMAC-SHA256'));
    expect(signing(tencent.spec, 'TC3-HMAC-SHA256')).not.toEqual(signing(tencent.spec, 'HmacSHA1'));
    const alibaba = started.get('alibaba-ecs')!;
    await alibaba.raw.call(alibaba.action, alibaba.params, { wrongSecret: true, wire: { signature: 'rpc-v2', format: 'json' } });
    expect(sections(alibaba.frontEnd.requests.list().at(-1)!.violation!.source)).toEqual(signing(alibaba.spec, 'rpc-v2'));
    await alibaba.raw.call(alibaba.action, alibaba.params, { wrongSecret: true, wire: { signature: 'acs3', format: 'json' } });
    expect(sections(alibaba.frontEnd.requests.list().at(-1)!.violation!.source)).toEqual(signing(alibaba.spec, 'acs3'));
    expect(recorder.count).toBeGreaterThan(0);
  });
});
