import http from 'node:http';
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { cbs as CbsModule } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cbs/index.js';
import { Deviations } from '../../src/emulator/deviations/catalogue.ts';
import type { RunningServer } from '../../src/emulator/http-server.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import { HttpTransport, TransportError } from '../../src/transport/http-transport.ts';
import { alibabaEcs } from '../../src/vendors/alibaba-ecs/adapter.ts';
import { tencentCbs } from '../../src/vendors/tencent-cbs/adapter.ts';
import { TencentClient } from '../../src/vendors/tencent-cbs/client.ts';
import { adminPost } from '../../src/emulator/admin-client.ts';

const require = createRequire(import.meta.url);
const { cbs } = require('tencentcloud-sdk-nodejs/tencentcloud/services/cbs') as { cbs: typeof CbsModule };
const Ecs = require('@alicloud/ecs20140526') as any;
const OpenApi = require('@alicloud/openapi-core') as any;

const tencentSpec = loadSpec('specs/tencent-cbs.yaml');
const principal = { id: 'AKIDFAULTSFAULTSFAULTSFAULTSFAULTS00', secret: 'faults-secret', account: 'faults' };
const transport = new HttpTransport({ timeoutMs: 5000 });
let tencent: RunningServer;
let alibaba: RunningServer;

const admin = (server: RunningServer, path: string, body: unknown) =>
  fetch(`${server.url}/_snapconform/${path}`, adminPost(body)).then((r) => r.json() as Promise<Record<string, unknown>>);

beforeAll(async () => {
  tencent = await tencentCbs.emulator!.start(tencentSpec, principal, new Deviations());
  alibaba = await alibabaEcs.emulator!.start(loadSpec('specs/alibaba-ecs.yaml'), principal, new Deviations());
  await admin(tencent, 'seed', { region: 'ap-guangzhou', ...tencentCbs.emulator!.fixtures('ap-guangzhou').seed });
  await admin(alibaba, 'seed', { region: 'cn-hangzhou', ...alibabaEcs.emulator!.fixtures('cn-hangzhou').seed });
});

afterEach(async () => {
  await admin(tencent, 'faults', { faults: [] });
  await admin(alibaba, 'faults', { faults: [] });
});

afterAll(async () => {
  await transport.close();
  await tencent.close();
  await alibaba.close();
});

const tencentClient = () => new TencentClient({ endpoint: tencent.url, region: 'ap-guangzhou', spec: tencentSpec, transport, credentials: { secretId: principal.id, secretKey: principal.secret } });
const tencentSdk = () => new cbs.v20170312.Client({
  credential: { secretId: principal.id, secretKey: principal.secret }, region: 'ap-guangzhou',
  profile: { httpProfile: { endpoint: tencent.url.replace('http://', ''), protocol: 'http://', agent: new http.Agent() } },
});
const alibabaSdk = () => new Ecs.default(new OpenApi.$OpenApiUtil.Config({
  accessKeyId: principal.id, accessKeySecret: principal.secret, endpoint: alibaba.url.replace('http://', ''), protocol: 'http', regionId: 'cn-hangzhou',
}));

describe('documented rate limits', () => {
  it('refuses the 21st Tencent call of one action within a second with RequestLimitExceeded, and can be switched off', async () => {
    const burst = async () => Promise.all(Array.from({ length: 30 }, () => tencentClient().call('DescribeSnapshots', {})));
    const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
    // The burst must fall in one of the emulator's one-second windows: it starts at the start of a second, and
    // on a busy machine, where it may spill into the next, it is tried again (each window holds at most 20).
    let results: Awaited<ReturnType<typeof burst>> = [];
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      await nextSecond();
      const started = Date.now();
      results = await burst();
      const windows = Math.floor(Date.now() / 1000) - Math.floor(started / 1000) + 1;
      expect(results.filter((r) => r.ok).length).toBeLessThanOrEqual(20 * windows);
      if (windows === 1) break;
    }
    const throttled = results.filter((r) => r.error?.code === 'RequestLimitExceeded');
    expect(results.filter((r) => r.ok)).toHaveLength(20);
    expect(throttled).toHaveLength(10);
    expect(throttled[0]!.error!.message).toMatch(/exceeds the frequency limit `20` for a second/);
    expect(throttled[0]!.httpStatus).toBe(200);

    await admin(tencent, 'config', { limits: false });
    await nextSecond();
    expect((await burst()).every((r) => r.ok)).toBe(true);
    await admin(tencent, 'config', { limits: true });
    // The next tests start in a window of their own.
    await nextSecond();
  });

  it('refuses a Tencent GET over 32 KB with RequestSizeLimitExceeded', async () => {
    const result = await tencentClient().call('DescribeSnapshots', { SnapshotIds: Array.from({ length: 1400 }, (_, i) => `snap-${String(i).padStart(8, '0')}`) }, { method: 'GET' });
    expect(result.transcript.request.url.length).toBeGreaterThan(32 * 1024);
    expect(result.error?.code).toBe('RequestSizeLimitExceeded');
  });
});

describe('injected faults', () => {
  it('throttles through the official SDKs, with the vendors\' own codes', async () => {
    await admin(tencent, 'faults', { faults: [{ kind: 'throttle', action: 'CreateSnapshot', count: 1 }] });
    const tencentError = await tencentSdk().CreateSnapshot({ DiskId: 'disk-fixture1' }).catch((e: unknown) => e) as { code?: string };
    expect(tencentError.code).toBe('RequestLimitExceeded');
    // count: 1 — the next call goes through.
    expect((await tencentSdk().CreateSnapshot({ DiskId: 'disk-fixture1' })).SnapshotId).toMatch(/^snap-/);

    await admin(alibaba, 'faults', { faults: [{ kind: 'throttle', action: 'CreateSnapshot' }] });
    const alibabaError = await alibabaSdk().createSnapshot(new Ecs.CreateSnapshotRequest({ diskId: 'd-bp1fixture0000000001' })).catch((e: unknown) => e) as { code?: string; name?: string };
    expect(alibabaError.code).toBe('Throttling');
  });

  it('drops connections, answers 5xx and malformed bodies, and delays', async () => {
    await admin(tencent, 'faults', { faults: [{ kind: 'drop', count: 1 }] });
    await expect(transport.send({ url: `${tencent.url}/`, method: 'POST', headers: {}, body: '{}' })).rejects.toBeInstanceOf(TransportError);

    await admin(tencent, 'faults', { faults: [{ kind: 'error5xx', count: 1 }] });
    const serverError = await tencentSdk().DescribeSnapshots({}).catch((e: unknown) => e) as { httpCode?: number; code?: string };
    expect(serverError.httpCode).toBe(500); // the SDK's documented behaviour on non-200: no code (reference §4.4)

    await admin(tencent, 'faults', { faults: [{ kind: 'malformed', count: 1 }] });
    const malformed = await tencentClient().call('DescribeSnapshots', {});
    expect(malformed.findings.map((f) => f.kind)).toContain('non-json-body');

    await admin(tencent, 'faults', { faults: [{ kind: 'latency', latencyMs: 300, count: 1 }] });
    const slow = await tencentClient().call('DescribeSnapshots', {});
    expect(slow.ok).toBe(true);
    expect(slow.durationMs).toBeGreaterThanOrEqual(290);
  });

  it('holds API requests until the hold is lifted, however long that takes, and no longer', async () => {
    await admin(tencent, 'faults', { faults: [{ kind: 'hold', latencyMs: 600_000 }] });
    let answered = false;
    const held = tencentClient().call('DescribeSnapshots', {}).then((result) => {
      answered = true;
      return result;
    });
    // Nothing answers while the hold lasts (however slow the machine, a held request cannot have been answered).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answered).toBe(false);
    await admin(tencent, 'faults', { faults: [] });
    expect((await held).ok).toBe(true);
    // A hold whose bound passes lets the request go on its own: a hold never waits without one.
    await admin(tencent, 'faults', { faults: [{ kind: 'hold', latencyMs: 10 }] });
    expect((await tencentClient().call('DescribeSnapshots', {})).ok).toBe(true);
  });

  it('refuses malformed fault rules in one line', async () => {
    const response = await fetch(`${tencent.url}/_snapconform/faults`, adminPost({ faults: [{ kind: 'explode' }] }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('admin: faults: faults[0].kind must be one of latency, throttle, error5xx, drop, malformed, hold');
  });
});

describe('documented errors through the official SDKs', () => {
  it('quota: the 65th snapshot of one disk', async () => {
    await admin(tencent, 'seed', { region: 'ap-guangzhou', disks: [{ id: 'disk-quota001', instanceId: 'ins-fixture1' }] });
    await admin(alibaba, 'seed', { region: 'cn-hangzhou', disks: [{ id: 'd-bp1quota00000000001', instanceId: 'i-bp1fixture0000000001' }] });
    await admin(tencent, 'config', { limits: false });
    for (let i = 0; i < 64; i++) await tencentSdk().CreateSnapshot({ DiskId: 'disk-quota001' });
    await admin(tencent, 'config', { limits: true });
    const tencentError = await tencentSdk().CreateSnapshot({ DiskId: 'disk-quota001' }).catch((e: unknown) => e) as { code?: string };
    expect(tencentError.code).toBe('InsufficientSnapshotQuota');
    for (let i = 0; i < 64; i++) await alibabaSdk().createSnapshot(new Ecs.CreateSnapshotRequest({ diskId: 'd-bp1quota00000000001' }));
    const alibabaError = await alibabaSdk().createSnapshot(new Ecs.CreateSnapshotRequest({ diskId: 'd-bp1quota00000000001' })).catch((e: unknown) => e) as { code?: string; statusCode?: number };
    expect(alibabaError).toMatchObject({ code: 'QuotaExceed.Snapshot', statusCode: 403 });
  });

  it('groups and deletes: CreateSnapshotGroup names members <group>_<i>; DeleteSnapshots and DeleteSnapshot remove', async () => {
    const group = await tencentSdk().CreateSnapshotGroup({ DiskIds: ['disk-fixture1', 'disk-fixture2'], SnapshotGroupName: 'sdkGroup' });
    expect(group.SnapshotGroupId).toMatch(/^csnap-[0-9a-z]{8}$/);
    const groups = await tencentSdk().DescribeSnapshotGroups({ Filters: [{ Name: 'snapshot-group-id', Values: [group.SnapshotGroupId!] }] });
    const members = await tencentSdk().DescribeSnapshots({ SnapshotIds: groups.SnapshotGroupSet![0]!.SnapshotIdSet! });
    expect(members.SnapshotSet!.map((s) => s.SnapshotName).sort()).toEqual(['sdkGroup_0', 'sdkGroup_1']);
    const other = await tencentSdk().CreateSnapshotGroup({ DiskIds: ['disk-fixture1', 'disk-fixture4'] }).catch((e: unknown) => e) as { code?: string };
    expect(other.code).toBe('InvalidParameterValue'); // the spec's (inferred) same-instance error

    const single = await tencentSdk().CreateSnapshot({ DiskId: 'disk-fixture2' });
    await tencentSdk().DeleteSnapshots({ SnapshotIds: [single.SnapshotId!] });
    expect((await tencentSdk().DescribeSnapshots({ SnapshotIds: [single.SnapshotId!] })).TotalCount).toBe(0);

    const created = await alibabaSdk().createSnapshot(new Ecs.CreateSnapshotRequest({ diskId: 'd-bp1fixture0000000002' }));
    await alibabaSdk().deleteSnapshot(new Ecs.DeleteSnapshotRequest({ snapshotId: created.body.snapshotId }));
    const gone = await alibabaSdk().deleteSnapshot(new Ecs.DeleteSnapshotRequest({ snapshotId: created.body.snapshotId })).catch((e: unknown) => e) as { code?: string; statusCode?: number };
    expect(gone).toMatchObject({ code: 'InvalidSnapshotId.NotFound', statusCode: 404 });
  });
});
