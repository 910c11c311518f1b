import { standardFixtures } from '../standard-fixtures.ts';
import { totalOf } from '../snapshot-count.ts';
import { jsString, SNIPPET_SNAPSHOT_NAME } from '../snippet.ts';
import { defineEmulator, WRONG_SECRET, type NeutralGroup, type NeutralSnapshot, type VendorAdapter } from '../vendor-adapter.ts';
import type { CallResult } from '../../transport/call-result.ts';
import { TencentClient } from './client.ts';
import { TencentEmulator } from './emulator.ts';

/** The snapshots of a DescribeSnapshots answer (`SnapshotSet`), as the rules see them. */
function snapshotsOf(result: CallResult): NeutralSnapshot[] {
  return ((result.data?.['SnapshotSet'] as Array<Record<string, unknown>> | undefined) ?? []).map((item) => ({
    id: String(item['SnapshotId']),
    name: String(item['SnapshotName']),
    diskId: String(item['DiskId']),
    state: String(item['SnapshotState']),
    tags: ((item['Tags'] as Array<{ Key: string; Value: string }> | undefined) ?? []).map((t) => ({ key: t.Key, value: t.Value })),
  }));
}

/** A fixture disk id in Tencent's shape, `disk-` and 8 of [0-9a-z]: disk-fixture1 … disk-fixture9, disk-fixtur10 …. */
function tencentFixtureDisk(n: number): string {
  return `disk-${`fixture${n}`.length > 8 ? `fixtur${n}` : `fixture${n}`}`;
}

/** Tencent Cloud CBS (API 2017-03-12): client, canonical mapping and emulator. */
export const tencentCbs: VendorAdapter = {
  vendor: 'tencent-cbs',
  specFile: 'specs/tencent-cbs.yaml',

  createClient(target, spec, transport) {
    const client = new TencentClient({
      endpoint: target.endpoint, region: target.region, spec, transport,
      credentials: { secretId: target.credentials.id, secretKey: target.credentials.secret, token: target.credentials.token },
    });
    return { call: (action, params) => client.call(action, params) };
  },

  // Wrong on purpose for the auth and protocol rules: TC3 as the SDK signs it, with one thing changed.
  rawClient(target, spec, transport) {
    const { id, secret, token } = target.credentials;
    const client = (secretId: string) => new TencentClient({
      endpoint: target.endpoint, region: target.region, spec, transport, credentials: { secretId, secretKey: secret, token },
    });
    const known = client(id);
    // An unknown SecretId of the documented shape: AKID and 32 more characters.
    const unknown = client('AKIDSNAPCONFORMNOSUCHKEY000000000000');
    return {
      call(action, params, wire = {}) {
        if (wire.repeatNonce) throw new Error('TC3 requests carry no nonce to replay');
        return (wire.unknownKey ? unknown : known).call(wire.action ?? action, params, {
          signWithSecret: wire.wrongSecret ? WRONG_SECRET : undefined,
          timestamp: wire.timestampOffsetSeconds === undefined ? undefined : Math.floor(Date.now() / 1000) + wire.timestampOffsetSeconds,
          headers: wire.version === undefined ? undefined : { 'X-TC-Version': wire.version },
        });
      },
    };
  },

  // Common error codes, ../shared/reference/tencent-cbs.md §2.2 (specs/tencent-cbs.yaml x-common-errors).
  authErrors: {
    wrongSignature: { code: 'AuthFailure.SignatureFailure' },
    unknownKey: { code: 'AuthFailure.SecretIdNotFound' },
    expired: { code: 'AuthFailure.SignatureExpire' },
    unknownAction: { code: 'InvalidAction' },
    unknownVersion: { code: 'NoSuchVersion' },
  },

  emulator: defineEmulator({
    create: (options) => new TencentEmulator(options),

    // Tencent ids: a prefix and 8 characters of [0-9a-z] (reference §3.6).
    fixtures: (region) => standardFixtures(`${region}-3`, (n) => `ins-fixture${n}`, tencentFixtureDisk),

    diskId(seed) {
      return `disk-${seed.toLowerCase().replace(/[^0-9a-z]/g, '').padStart(8, '0').slice(-8)}`;
    },

    standalone: {
      region: 'ap-guangzhou',
      regionInRequests: true,
      credentials: { id: 'AKIDSNAPCONFORMEMULATOR0000000000000', secret: 'SnapconformEmulatorTencentSecret' },
      credentialNames: { id: 'secretId', secret: 'secretKey' },
      snippetTitle: 'CreateSnapshot with the official SDK (tencentcloud-sdk-nodejs):',
      snippet: ({ host, id, secret, region, diskId }) => [
        "// npm i tencentcloud-sdk-nodejs",
        "const { cbs } = require('tencentcloud-sdk-nodejs');",
        'const client = new cbs.v20170312.Client({',
        `  credential: { secretId: ${jsString(id)}, secretKey: ${jsString(secret)} },`,
        `  region: ${jsString(region ?? 'ap-guangzhou')},`,
        `  profile: { httpProfile: { endpoint: ${jsString(host)}, protocol: 'http://' } },`,
        '});',
        `client.CreateSnapshot({ DiskId: ${jsString(diskId ?? 'disk-xxxxxxxx')}, SnapshotName: ${jsString(SNIPPET_SNAPSHOT_NAME)} })`,
        '  .then((r) => console.log(r.SnapshotId));',
      ].join('\n'),
    },
  }),

  validRequest(action, fixtures) {
    const [disk, second] = fixtures.sameInstanceDisks;
    switch (action) {
      case 'CreateSnapshot': return { DiskId: disk };
      case 'CreateSnapshotGroup': return { DiskIds: [disk, second] };
      case 'DescribeSnapshots': return {};
      case 'DescribeSnapshotGroups': return {};
      case 'DescribeDisks': return {};
      case 'DeleteSnapshots': return { SnapshotIds: ['snap-00000000'] };
      case 'DeleteSnapshotGroup': return { SnapshotGroupId: 'csnap-00000000' };
      default: return undefined;
    }
  },

  // A CreateSnapshot lost in flight is found again by disk and name, among snapshots created since the
  // call started (CreateTime is China time to the second: ../shared/reference/tencent-cbs.md §3.3).
  async reconcileCreate(client, action, params, startedAtMs) {
    if (action !== 'CreateSnapshot' || typeof params['DiskId'] !== 'string' || typeof params['SnapshotName'] !== 'string') return undefined;
    const found = await client.call('DescribeSnapshots', {
      Filters: [{ Name: 'disk-id', Values: [params['DiskId']] }, { Name: 'snapshot-name', Values: [params['SnapshotName']] }],
    });
    if (!found.ok) return undefined;
    const since = new Date(startedAtMs + 8 * 3600_000 - 1000).toISOString().slice(0, 19).replace('T', ' ');
    const matches = ((found.data?.['SnapshotSet'] as Array<Record<string, unknown>> | undefined) ?? [])
      .filter((s) => String(s['CreateTime'] ?? '') >= since);
    if (matches.length === 0) return null;
    if (matches.length > 1) return undefined;
    return { ...found, action, data: { SnapshotId: matches[0]!['SnapshotId'] } };
  },

  canonical: {
    createSnapshot: {
      params: (input) => ({
        DiskId: input.diskId,
        SnapshotName: input.name,
        // The page's example: 2022-01-08T09:47:55+00:00 (UTC, offset written out).
        Deadline: input.deadline?.toISOString().replace(/\.\d{3}Z$/, '+00:00'),
        Tags: input.tags?.map((t) => ({ Key: t.key, Value: t.value })),
      }),
      snapshotId: (result) => (typeof result.data?.['SnapshotId'] === 'string' ? result.data['SnapshotId'] : undefined),
      nameParameter: 'SnapshotName',
      tagsParameter: 'Tags',
    },
    describeSnapshot: {
      params: (id) => ({ SnapshotIds: [id] }),
      snapshot: (result) => snapshotsOf(result)[0],
    },
    findSnapshotsByName: {
      params: (name) => ({ Filters: [{ Name: 'snapshot-name', Values: [name] }], Limit: 100 }),
      snapshots: snapshotsOf,
    },
    countSnapshotsOfDisk: {
      params: (diskId) => ({ Filters: [{ Name: 'disk-id', Values: [diskId] }], Limit: 1 }),
      count: (result) => totalOf(result.data?.['TotalCount']),
    },
    deleteSnapshot: { params: (id) => ({ SnapshotIds: [id] }), notFound: 'InvalidSnapshotId.NotFound' },
    createSnapshotGroup: {
      params: (input) => ({ DiskIds: input.diskIds, SnapshotGroupName: input.name }),
      groupId: (result) => (typeof result.data?.['SnapshotGroupId'] === 'string' ? result.data['SnapshotGroupId'] : undefined),
      nameParameter: 'SnapshotGroupName',
      tagsParameter: 'Tags',
    },
    deleteSnapshotGroup: { params: (id) => ({ SnapshotGroupId: id }), notFound: 'InvalidSnapshotId.NotFound' },
    describeSnapshotGroup: {
      params: (id) => ({ Filters: [{ Name: 'snapshot-group-id', Values: [id] }] }),
      group: (result): NeutralGroup | undefined => {
        const item = (result.data?.['SnapshotGroupSet'] as Array<Record<string, unknown>> | undefined)?.[0];
        if (!item) return undefined;
        return { id: String(item['SnapshotGroupId']), name: String(item['SnapshotGroupName']), state: String(item['SnapshotGroupState']), snapshotIds: (item['SnapshotIdSet'] as string[] | undefined) ?? [] };
      },
    },
  },
};
