import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carriesStringsOnly, invalidCases, minimalValidRequest } from '../../src/conformance/invalid-cases.ts';
import { adminPost } from '../../src/emulator/admin-client.ts';
import { documentedMessage, documentedMessages } from '../../src/emulator/documented-message.ts';
import type { RunningServer } from '../../src/emulator/http-server.ts';
import { Deviations } from '../../src/emulator/deviations/catalogue.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import type { VendorSpec } from '../../src/spec/vendor-spec.ts';
import type { CallResult } from '../../src/transport/call-result.ts';
import { HttpTransport } from '../../src/transport/http-transport.ts';
import { adapterFor, SPEC_FILES } from '../../src/vendors/registry.ts';
import type { Fixtures } from '../../src/conformance/target.ts';
import type { RawClient, VendorClient } from '../../src/vendors/vendor-adapter.ts';

// Where a document gives the message for an error code (a seed page's 错误信息 column, the reference's tables,
// carried into the specs' x-errors / x-common-errors `message`), the emulators answer with it verbatim, the
// parameter's name in place of `<Name>`: SDKs show these texts to users as they are. This walks every
// documented message, and every refusal the generated invalid requests, the auth departures and the contract
// refusals provoke.

const VENDORS = Object.keys(SPEC_FILES) as Array<keyof typeof SPEC_FILES>;
const transport = new HttpTransport();
interface Started { spec: VendorSpec; server: RunningServer; client: VendorClient; raw: RawClient; roles: Fixtures }
const started = new Map<string, Started>();

beforeAll(async () => {
  for (const vendor of VENDORS) {
    const adapter = adapterFor(vendor)!;
    const spec = loadSpec(SPEC_FILES[vendor]);
    const principal = { id: `AKIDDOCUMENTEDMESSAGE${vendor.replace(/-/g, '').toUpperCase()}`, secret: 'documented-message-secret', account: 'messages' };
    const server = await adapter.emulator!.start(spec, principal, new Deviations());
    const { seed, roles } = adapter.emulator!.fixtures('ap-guangzhou');
    await fetch(`${server.url}/_snapconform/seed`, adminPost({ region: 'ap-guangzhou', ...seed }));
    await fetch(`${server.url}/_snapconform/config`, adminPost({ limits: false }));
    const target = { name: vendor, vendor, endpoint: server.url, region: 'ap-guangzhou', credentials: { id: principal.id, secret: principal.secret }, emulator: true, fixtures: roles };
    started.set(vendor, { spec, server, client: adapter.createClient(target, spec, transport), raw: adapter.rawClient!(target, spec, transport), roles });
  }
});
afterAll(async () => {
  await transport.close();
  await Promise.all([...started.values()].map((s) => s.server.close()));
});

/** Every documented message of a spec, with the action it is listed under (undefined: a common error). */
function everyDocumentedMessage(spec: VendorSpec): Array<{ action: string | undefined; code: string; message: string }> {
  return [
    ...spec.actions.flatMap((a) => a.errors.filter((e) => e.message).map((e) => ({ action: a.action as string | undefined, code: e.code, message: e.message! }))),
    ...spec.commonErrors.filter((e) => e.message).map((e) => ({ action: undefined, code: e.code, message: e.message! })),
  ];
}

/** What the documents say a refusal with `code` reads, for the parameter at fault (its wire name). */
function expectedMessage(spec: VendorSpec, action: string, code: string, parameter: string | undefined): RegExp | undefined {
  const template = documentedMessages(spec, action, code)[0];
  if (template === undefined) return undefined;
  const filled = parameter === undefined ? template : template.replaceAll('<Name>', parameter);
  // A value only the service knows (a StringToSign) may stand where the template has another placeholder.
  return new RegExp(`^${filled.split(/<[^<>]+>|%s/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*')}$`);
}

describe('the documented messages', () => {
  it.each(VENDORS)('%s: each is the one a refusal with its code answers, with the parameter for <Name>', (vendor) => {
    const { spec } = started.get(vendor)!;
    for (const { action, code, message } of everyDocumentedMessage(spec)) {
      const worded = documentedMessage(spec, action, code, 'the emulator\'s own words', 'DiskId');
      if (/<[^<>]+>|%s/.test(message.replaceAll('<Name>', ''))) {
        // A value only the refusing code can fill (a StringToSign, a count): its own message stands.
        expect(worded, `${code}: ${message}`).toBe('the emulator\'s own words');
      } else if (message.includes('<Name>')) {
        expect(worded, code).toBe(message.replaceAll('<Name>', 'DiskId'));
      } else if (documentedMessages(spec, action, code).includes(message)) {
        expect(worded, code).toBe(documentedMessages(spec, action, code)[0]);
      } else {
        // An action's example of a common template: the template, filled, reproduces it for its parameter.
        expect(documentedMessage(spec, action, code, 'own', /"([^"]+)"/.exec(message)?.[1]), code).toBe(message);
      }
    }
  });

  it('Alibaba: a missing DiskId reads as the common-error table writes it', async () => {
    const { client } = started.get('alibaba-ecs')!;
    const result = await client.call('CreateSnapshot', {});
    expect(result.error).toEqual({ code: 'MissingParameter', message: 'The input parameter "DiskId" that is mandatory for processing this request is not supplied.' });
    const unknownDisk = await client.call('CreateSnapshot', { DiskId: 'd-bp1nonexistent000000' });
    expect(unknownDisk.error).toEqual({ code: 'InvalidDiskId.NotFound', message: 'The specified DiskId does not exist.' });
  });
});

describe.each(VENDORS)('%s refusals carry their documented message', (vendor) => {
  const mismatches: string[] = [];
  const check = (spec: VendorSpec, action: string, label: string, result: CallResult, parameter?: string) => {
    if (result.ok || !result.error) return 0;
    const expected = expectedMessage(spec, action, result.error.code, parameter);
    if (expected === undefined) return 0;
    if (!expected.test(result.error.message)) mismatches.push(`${label}: ${result.error.code} "${result.error.message}" is not ${String(expected)}`);
    return 1;
  };

  it('on every generated invalid request, auth departure and contract refusal', async () => {
    const { spec, client, raw, roles } = started.get(vendor)!;
    const adapter = adapterFor(vendor)!;
    const wireName = (path: string) => (vendor === 'alibaba-ecs' ? path.split('.').map((s) => (/^\d+$/.test(s) ? String(Number(s) + 1) : s)).join('.') : path);
    let checked = 0;
    for (const action of spec.actions) {
      const valid = adapter.validRequest(action.action, roles) ?? minimalValidRequest(action.resolvedRequestSchema, action.validateRequest);
      if (!valid) continue;
      for (const c of invalidCases(action.resolvedRequestSchema, valid as never, action.validateRequest, { stringsOnly: carriesStringsOnly(action.contentType) })) {
        const result = await client.call(action.action, c.request as never);
        checked += check(spec, action.action, `${action.action} ${c.description}`, result, wireName(c.path));
      }
      const params = valid as never;
      for (const departure of [{ wrongSecret: true }, { unknownKey: true }, { timestampOffsetSeconds: -3600 }, { version: '2000-01-01' }]) {
        checked += check(spec, action.action, `${action.action} ${JSON.stringify(departure)}`, await raw.call(action.action, params, departure));
      }
    }
    const create = spec.forCanonical('createSnapshot')!.action;
    const unknownDisk = adapter.validRequest(create, { ...roles, sameInstanceDisks: [adapter.emulator!.diskId('404'), adapter.emulator!.diskId('405')] });
    if (unknownDisk) checked += check(spec, create, `${create} on an unknown disk`, await client.call(create, unknownDisk));
    expect(mismatches).toEqual([]);
    // Alibaba documents messages for its codes; Tencent and Zenlayer document few or none.
    if (vendor === 'alibaba-ecs') expect(checked).toBeGreaterThan(20);
  });
});
