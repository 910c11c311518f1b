import { standardFixtures } from '../standard-fixtures.ts';
import { jsString, SNIPPET_SNAPSHOT_NAME } from '../snippet.ts';
import { defineEmulator, type NeutralSnapshot, type VendorAdapter } from '../vendor-adapter.ts';
import { AlibabaClient } from './client.ts';
import { AlibabaEmulator } from './emulator.ts';

const DAY_MS = 86_400_000;

/** Alibaba Cloud ECS (API 2014-05-26): client (ACS3 by default, as the official SDK), canonical mapping, emulator. */
export const alibabaEcs: VendorAdapter = {
  vendor: 'alibaba-ecs',
  specFile: 'specs/alibaba-ecs.yaml',

  createClient(target, spec, transport) {
    const client = new AlibabaClient({
      endpoint: target.endpoint, regionId: target.region, spec, transport,
      credentials: { accessKeyId: target.credentials.id, accessKeySecret: target.credentials.secret, securityToken: target.credentials.token },
    });
    return { call: (action, params) => client.call(action, params) };
  },

  emulator: defineEmulator({
    create: (options) => new AlibabaEmulator(options),

    fixtures: () => standardFixtures('cn-hangzhou-i', (n) => `i-bp1fixture000000000${n}`, (n) => `d-bp1fixture000000000${n}`),

    diskId(seed) {
      return `d-bp1${seed.toLowerCase().replace(/[^0-9a-z]/g, '').padStart(17, '0').slice(-17)}`;
    },

    standalone: {
      region: 'cn-hangzhou',
      regionInRequests: false,
      credentials: { id: 'LTAISNAPCONFORMEMULATOR', secret: 'SnapconformEmulatorAlibabaSecret' },
      credentialNames: { id: 'accessKeyId', secret: 'accessKeySecret' },
      snippetTitle: 'CreateSnapshot with the official SDK (@alicloud/ecs20140526):',
      snippet: ({ host, id, secret, region, diskId }) => [
        '// npm i @alicloud/ecs20140526 @alicloud/openapi-core',
        "const { default: Ecs, CreateSnapshotRequest } = require('@alicloud/ecs20140526');",
        "const { $OpenApiUtil } = require('@alicloud/openapi-core');",
        'const client = new Ecs(new $OpenApiUtil.Config({',
        `  accessKeyId: ${jsString(id)}, accessKeySecret: ${jsString(secret)},`,
        `  endpoint: ${jsString(host)}, protocol: 'http', regionId: ${jsString(region ?? 'cn-hangzhou')},`,
        '}));',
        `client.createSnapshot(new CreateSnapshotRequest({ diskId: ${jsString(diskId ?? 'd-xxxxxxxx')}, snapshotName: ${jsString(SNIPPET_SNAPSHOT_NAME)} }))`,
        '  .then((r) => console.log(r.body.snapshotId));',
      ].join('\n'),
    },
  }),

  validRequest(action, fixtures) {
    const [disk] = fixtures.sameInstanceDisks;
    switch (action) {
      case 'CreateSnapshot': return { DiskId: disk };
      case 'DescribeSnapshots': return { RegionId: 'cn-hangzhou' };
      case 'DescribeDisks': return { RegionId: 'cn-hangzhou' };
      case 'DeleteSnapshot': return { SnapshotId: 's-bp1nosuchsnapshot00' };
      default: return undefined;
    }
  },

  canonical: {
    createSnapshot: {
      // Retention is a whole number of days here (RetentionDays, reference §A3.1), rounded up from a deadline.
      params: (input) => ({
        DiskId: input.diskId,
        SnapshotName: input.name,
        RetentionDays: input.deadline === undefined ? undefined : Math.max(1, Math.ceil((input.deadline.getTime() - Date.now()) / DAY_MS)),
        Tag: input.tags?.map((t) => ({ Key: t.key, Value: t.value })),
      }),
      snapshotId: (result) => (typeof result.data?.['SnapshotId'] === 'string' ? result.data['SnapshotId'] : undefined),
      nameParameter: 'SnapshotName',
      tags: true,
    },
    describeSnapshot: {
      params: (id, region) => ({ RegionId: region, SnapshotIds: JSON.stringify([id]) }),
      snapshot: (result): NeutralSnapshot | undefined => {
        const item = ((result.data?.['Snapshots'] as { Snapshot?: Array<Record<string, unknown>> } | undefined)?.Snapshot)?.[0];
        if (!item) return undefined;
        const tags = ((item['Tags'] as { Tag?: Array<{ TagKey: string; TagValue: string }> } | undefined)?.Tag ?? []).map((t) => ({ key: t.TagKey, value: t.TagValue }));
        return { id: String(item['SnapshotId']), name: String(item['SnapshotName'] ?? ''), diskId: String(item['SourceDiskId']), state: String(item['Status']), tags };
      },
    },
    deleteSnapshot: { params: (id) => ({ SnapshotId: id }) },
  },
};
