import { standardFixtures } from '../standard-fixtures.ts';
import { totalOf } from '../snapshot-count.ts';
import { jsString, SNIPPET_SNAPSHOT_NAME } from '../snippet.ts';
import { randomBytes } from 'node:crypto';
import { defineEmulator, WRONG_SECRET, type NeutralSnapshot, type VendorAdapter } from '../vendor-adapter.ts';
import type { CallResult } from '../../transport/call-result.ts';
import type { Wire } from '../../spec/spec-types.ts';
import { AlibabaClient, type AlibabaCallOptions } from './client.ts';
import { AlibabaEmulator } from './emulator.ts';

const DAY_MS = 86_400_000;

/** The snapshots of a DescribeSnapshots answer (`Snapshots.Snapshot`), as the rules see them. */
function snapshotsOf(result: CallResult): NeutralSnapshot[] {
  return (((result.data?.['Snapshots'] as { Snapshot?: Array<Record<string, unknown>> } | undefined)?.Snapshot) ?? []).map((item) => ({
    id: String(item['SnapshotId']),
    name: String(item['SnapshotName'] ?? ''),
    diskId: String(item['SourceDiskId']),
    state: String(item['Status']),
    tags: ((item['Tags'] as { Tag?: Array<{ TagKey: string; TagValue: string }> } | undefined)?.Tag ?? []).map((t) => ({ key: t.TagKey, value: t.TagValue })),
  }));
}

/**
 * How a call travels on a documented wire (the spec's signature and format ids): ACS3 asks for JSON (the
 * documents name no way to ask it for XML), RPC V2 for JSON or XML through `Format` (reference §A1.1, §A1.3).
 */
function callOptionsFor(wire: Wire | undefined): AlibabaCallOptions {
  if (wire === undefined || (wire.signature === 'acs3' && wire.format === 'json')) return {};
  if (wire.signature === 'rpc-v2' && (wire.format === 'json' || wire.format === 'xml')) return { signature: 'v2', commonParams: { Format: wire.format.toUpperCase() } };
  throw new Error(`the alibaba-ecs client cannot send ${wire.signature} asking for ${wire.format}`);
}

/** Alibaba Cloud ECS (API 2014-05-26): client (ACS3 by default, as the official SDK, or RPC V2), canonical mapping, emulator. */
export const alibabaEcs: VendorAdapter = {
  vendor: 'alibaba-ecs',
  specFile: 'specs/alibaba-ecs.yaml',

  createClient(target, spec, transport) {
    const client = new AlibabaClient({
      endpoint: target.endpoint, regionId: target.region, spec, transport,
      credentials: { accessKeyId: target.credentials.id, accessKeySecret: target.credentials.secret, securityToken: target.credentials.token },
    });
    return { call: async (action, params, options) => client.call(action, params, callOptionsFor(options?.wire)) };
  },

  signatures: ['acs3', 'rpc-v2'],

  // Wrong on purpose for the auth and protocol rules: signed as the SDK signs (ACS3, or V2 on its wire), with one thing changed.
  rawClient(target, spec, transport) {
    const { id, secret, token } = target.credentials;
    const client = (accessKeyId: string) => new AlibabaClient({
      endpoint: target.endpoint, regionId: target.region, spec, transport,
      credentials: { accessKeyId, accessKeySecret: secret, securityToken: token },
    });
    const known = client(id);
    // An unknown AccessKey ID of the usual shape (LTAI…).
    const unknown = client('LTAISNAPCONFORMNOSUCHKEY');
    let lastNonce: string | undefined;
    return {
      call(action, params, wire = {}) {
        if (wire.repeatNonce && lastNonce === undefined) throw new Error('no previous call whose nonce could be replayed');
        const nonce = wire.repeatNonce ? lastNonce! : randomBytes(32).toString('hex');
        lastNonce = nonce;
        const as = callOptionsFor(wire.wire);
        // The version travels in x-acs-version under ACS3, in the Version parameter under V2 (§A1.1, §A1.3).
        const version = wire.version === undefined ? {} : as.signature === 'v2' ? { commonParams: { ...as.commonParams, Version: wire.version } } : { headers: { 'x-acs-version': wire.version } };
        return (wire.unknownKey ? unknown : known).call(wire.action ?? action, params, {
          ...as,
          nonce,
          signWithSecret: wire.wrongSecret ? WRONG_SECRET : undefined,
          timestamp: wire.timestampOffsetSeconds === undefined ? undefined : Math.floor(Date.now() / 1000) + wire.timestampOffsetSeconds,
          ...version,
        });
      },
    };
  },

  // Gateway and common errors, ../shared/reference/alibaba-ecs-and-zenlayer-zec.md §A2 (x-common-errors).
  authErrors: {
    wrongSignature: { code: 'SignatureDoesNotMatch' },
    unknownKey: { code: 'InvalidAccessKeyId.NotFound', alternatives: ['InvalidAccessKeyId'] },
    expired: { code: 'InvalidTimeStamp.Expired' },
    replayedNonce: { code: 'SignatureNonceUsed' },
    unknownAction: { code: 'InvalidAction' },
    unknownVersion: {
      code: 'InvalidParameter',
      inferredBecause: 'the documents name no error for an unknown Version; InvalidParameter is the common table\'s "a parameter is not valid"',
    },
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
      tagsParameter: 'Tag',
    },
    describeSnapshot: {
      params: (id, region) => ({ RegionId: region, SnapshotIds: JSON.stringify([id]) }),
      snapshot: (result) => snapshotsOf(result)[0],
    },
    findSnapshotsByName: {
      params: (name, region) => ({ RegionId: region, SnapshotName: name }),
      snapshots: snapshotsOf,
    },
    // The page also says an unknown id "is ignored" (success); the cleanup confirms by describing either way.
    countSnapshotsOfDisk: {
      params: (diskId, region) => ({ RegionId: region, DiskId: diskId }),
      count: (result) => totalOf(result.data?.['TotalCount']),
    },
    deleteSnapshot: { params: (id) => ({ SnapshotId: id }), notFound: 'InvalidSnapshotId.NotFound' },
  },
};
