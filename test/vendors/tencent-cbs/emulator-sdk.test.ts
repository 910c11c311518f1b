import http from 'node:http';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { cbs as CbsModule } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cbs/index.js';
import { Deviations } from '../../../src/emulator/deviations/catalogue.ts';
import type { RunningServer } from '../../../src/emulator/http-server.ts';
import { loadSpec } from '../../../src/spec/load-spec.ts';
import { tencentCbs } from '../../../src/vendors/tencent-cbs/adapter.ts';
import { adminPost } from '../../../src/emulator/admin-client.ts';

// The official Node SDK, unchanged, against the Tencent emulator: every signing version and method it
// offers is served, and documented errors surface through its exception with their code and request id.
const { cbs } = createRequire(import.meta.url)('tencentcloud-sdk-nodejs/tencentcloud/services/cbs') as { cbs: typeof CbsModule };

const principal = { id: 'AKIDSDKTESTSDKTESTSDKTESTSDKTEST0000', secret: 'sdk-test-secret-key', account: 'sdk' };
let emulator: RunningServer;

beforeAll(async () => {
  emulator = await tencentCbs.emulator!.start(loadSpec('specs/tencent-cbs.yaml'), principal, new Deviations());
  const { seed } = tencentCbs.emulator!.fixtures('ap-guangzhou');
  await fetch(`${emulator.url}/_snapconform/seed`, adminPost({ region: 'ap-guangzhou', ...seed }));
});

afterAll(() => emulator.close());

function sdk(signMethod: 'TC3-HMAC-SHA256' | 'HmacSHA256' | 'HmacSHA1', reqMethod: 'POST' | 'GET') {
  return new cbs.v20170312.Client({
    credential: { secretId: principal.id, secretKey: principal.secret },
    region: 'ap-guangzhou',
    profile: {
      signMethod,
      httpProfile: { endpoint: emulator.url.replace('http://', ''), protocol: 'http://', reqMethod, agent: new http.Agent(), reqTimeout: 10 },
    },
  });
}

describe('tencentcloud-sdk-nodejs against the Tencent emulator', () => {
  for (const [signMethod, reqMethod] of [['TC3-HMAC-SHA256', 'POST'], ['TC3-HMAC-SHA256', 'GET'], ['HmacSHA256', 'POST'], ['HmacSHA1', 'GET']] as const) {
    it(`creates and describes a snapshot with ${signMethod} over ${reqMethod}`, async () => {
      const client = sdk(signMethod, reqMethod);
      const name = `sdk-${signMethod}-${reqMethod}`;
      const created = await client.CreateSnapshot({ DiskId: 'disk-fixture2', SnapshotName: name, Tags: [{ Key: 'k', Value: '未命名' }] });
      expect(created.SnapshotId).toMatch(/^snap-[0-9a-z]{8}$/);
      const described = await client.DescribeSnapshots({ SnapshotIds: [created.SnapshotId!] });
      expect(described.TotalCount).toBe(1);
      expect(described.SnapshotSet?.[0]).toMatchObject({ SnapshotName: name, DiskId: 'disk-fixture2', Tags: [{ Key: 'k', Value: '未命名' }] });
      await client.DeleteSnapshots({ SnapshotIds: [created.SnapshotId!] });
      expect((await client.DescribeSnapshots({ SnapshotIds: [created.SnapshotId!] })).TotalCount).toBe(0);
    });

    it(`creates a snapshot group and deletes it with ${signMethod} over ${reqMethod}`, async () => {
      const client = sdk(signMethod, reqMethod);
      const group = await client.CreateSnapshotGroup({ DiskIds: ['disk-fixture1', 'disk-fixture2'], SnapshotGroupName: `g${signMethod}${reqMethod}` });
      expect(group.SnapshotGroupId).toMatch(/^csnap-[0-9a-z]{8}$/);
      const described = await client.DescribeSnapshotGroups({ Filters: [{ Name: 'snapshot-group-id', Values: [group.SnapshotGroupId!] }] });
      expect(described.SnapshotGroupSet?.[0]?.SnapshotIdSet).toHaveLength(2);
      await client.DeleteSnapshotGroup({ SnapshotGroupId: group.SnapshotGroupId! });
      expect((await client.DescribeSnapshotGroups({ Filters: [{ Name: 'snapshot-group-id', Values: [group.SnapshotGroupId!] }] })).TotalCount).toBe(0);
    });
  }

  it('surfaces a documented error through the SDK exception, with its code and request id', async () => {
    const error = await sdk('TC3-HMAC-SHA256', 'POST').CreateSnapshot({ DiskId: 'disk-nothere1' }).catch((e: unknown) => e) as { code?: string; requestId?: string };
    expect(error.code).toBe('InvalidDiskId.NotFound');
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a wrong secret with AuthFailure.SignatureFailure, whatever the signing version', async () => {
    for (const signMethod of ['TC3-HMAC-SHA256', 'HmacSHA1'] as const) {
      const client = new cbs.v20170312.Client({
        credential: { secretId: principal.id, secretKey: 'not-the-secret' },
        region: 'ap-guangzhou',
        profile: { signMethod, httpProfile: { endpoint: emulator.url.replace('http://', ''), protocol: 'http://', agent: new http.Agent() } },
      });
      const error = await client.DescribeSnapshots({}).catch((e: unknown) => e) as { code?: string };
      expect(error.code, signMethod).toBe('AuthFailure.SignatureFailure');
    }
  });
});
