import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deviations } from '../../../src/emulator/deviations/catalogue.ts';
import type { RunningServer } from '../../../src/emulator/http-server.ts';
import { loadSpec } from '../../../src/spec/load-spec.ts';
import { alibabaEcs } from '../../../src/vendors/alibaba-ecs/adapter.ts';
import { adminPost } from '../../../src/emulator/admin-client.ts';

// The official SDK (@alicloud/ecs20140526, V3 by default, V2 on request), unchanged, against the Alibaba
// emulator: served, documented errors surface with their code and status, and ClientToken is idempotent.
const require = createRequire(import.meta.url);
const Ecs = require('@alicloud/ecs20140526') as any;
const OpenApi = require('@alicloud/openapi-core') as any;

const principal = { id: 'LTAI5tSDKTESTSDKTEST0001', secret: 'sdk-test-access-key-secret', account: 'sdk' };
let emulator: RunningServer;

beforeAll(async () => {
  emulator = await alibabaEcs.emulator!.start(loadSpec('specs/alibaba-ecs.yaml'), principal, new Deviations());
  const { seed } = alibabaEcs.emulator!.fixtures('cn-hangzhou');
  await fetch(`${emulator.url}/_snapconform/seed`, adminPost({ region: 'cn-hangzhou', ...seed }));
});

afterAll(() => emulator.close());

function sdk(signatureAlgorithm?: 'v2', secret = principal.secret) {
  return new Ecs.default(new OpenApi.$OpenApiUtil.Config({
    accessKeyId: principal.id, accessKeySecret: secret, endpoint: emulator.url.replace('http://', ''), protocol: 'http', regionId: 'cn-hangzhou',
    ...(signatureAlgorithm ? { signatureAlgorithm } : {}),
  }));
}

const DISK = 'd-bp1fixture0000000001';

describe('@alicloud/ecs20140526 against the Alibaba emulator', () => {
  for (const algorithm of [undefined, 'v2'] as const) {
    it(`creates and describes a snapshot (${algorithm ?? 'V3 default'})`, async () => {
      const name = `SdkSnap-${algorithm ?? 'v3'}`;
      const created = await sdk(algorithm).createSnapshot(new Ecs.CreateSnapshotRequest({
        diskId: DISK, snapshotName: name, description: 'desc with space & ünicode*',
        tag: [new Ecs.CreateSnapshotRequestTag({ key: 'k1', value: 'v1' })],
      }));
      expect(created.statusCode).toBe(200);
      expect(created.body.snapshotId).toMatch(/^s-[0-9a-z]+$/);
      const described = await sdk(algorithm).describeSnapshots(new Ecs.DescribeSnapshotsRequest({ regionId: 'cn-hangzhou', snapshotIds: JSON.stringify([created.body.snapshotId]) }));
      const snapshot = described.body.snapshots.snapshot[0];
      expect(snapshot).toMatchObject({ snapshotName: name, sourceDiskId: DISK, description: 'desc with space & ünicode*' });
      expect(snapshot.tags.tag).toEqual([expect.objectContaining({ tagKey: 'k1', tagValue: 'v1' })]);
      await sdk(algorithm).deleteSnapshot(new Ecs.DeleteSnapshotRequest({ snapshotId: created.body.snapshotId }));
      const gone = await sdk(algorithm).describeSnapshots(new Ecs.DescribeSnapshotsRequest({ regionId: 'cn-hangzhou', snapshotIds: JSON.stringify([created.body.snapshotId]) }));
      expect(gone.body.totalCount).toBe(0);
    });
  }

  it('returns the same snapshot for a repeated ClientToken, and refuses it with other parameters', async () => {
    const request = () => new Ecs.CreateSnapshotRequest({ diskId: DISK, snapshotName: 'IdemSnap', clientToken: 'token-123' });
    const first = await sdk().createSnapshot(request());
    const again = await sdk().createSnapshot(request());
    expect(again.body.snapshotId).toBe(first.body.snapshotId);
    const mismatch = await sdk().createSnapshot(new Ecs.CreateSnapshotRequest({ diskId: DISK, snapshotName: 'OtherName', clientToken: 'token-123' })).catch((e: unknown) => e) as { code?: string; statusCode?: number };
    expect(mismatch).toMatchObject({ code: 'IdempotentParameterMismatch', statusCode: 403 });
  });

  it('surfaces documented errors through the SDK exception with code, status and request id', async () => {
    const notFound = await sdk().createSnapshot(new Ecs.CreateSnapshotRequest({ diskId: 'd-bp1nosuchdisk0000001' })).catch((e: unknown) => e) as { code?: string; statusCode?: number; data?: { RequestId?: string; HostId?: string } };
    expect(notFound).toMatchObject({ code: 'InvalidDiskId.NotFound', statusCode: 404 });
    expect(notFound.data?.RequestId).toMatch(/^[0-9A-F-]{36}$/);
    const malformed = await sdk('v2').createSnapshot(new Ecs.CreateSnapshotRequest({ diskId: DISK, snapshotName: 'autoSnap' })).catch((e: unknown) => e) as { code?: string; statusCode?: number };
    expect(malformed).toMatchObject({ code: 'InvalidSnapshotName.Malformed', statusCode: 400 });
    const description = await sdk().createSnapshot(new Ecs.CreateSnapshotRequest({ diskId: DISK, description: 'http://x' })).catch((e: unknown) => e) as { code?: string; statusCode?: number };
    expect(description).toMatchObject({ code: 'InvalidDescription.Malformed', statusCode: 404 });
    const badKey = await sdk(undefined, 'wrong-secret').describeDisks(new Ecs.DescribeDisksRequest({ regionId: 'cn-hangzhou' })).catch((e: unknown) => e) as { code?: string; statusCode?: number };
    expect(badKey).toMatchObject({ code: 'SignatureDoesNotMatch', statusCode: 400 });
  });
});
