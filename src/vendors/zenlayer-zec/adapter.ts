import { standardFixtures } from '../standard-fixtures.ts';
import { totalOf } from '../snapshot-count.ts';
import { SNIPPET_SNAPSHOT_NAME } from '../snippet.ts';
import { defineEmulator, WRONG_SECRET, type NeutralSnapshot, type VendorAdapter } from '../vendor-adapter.ts';
import type { CallResult } from '../../transport/call-result.ts';
import { ZenlayerClient } from './client.ts';
import { ZenlayerEmulator } from './emulator.ts';
import { ZC2_AUTH_ERROR_CODES } from './zc2.verifier.ts';

/** `yyyy-MM-ddTHH:mm:ssZ`, the one format the ZEC CreateSnapshot page accepts for `retentionTime`. */
function zenlayerTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The snapshots of a DescribeSnapshots answer (`dataSet`), as the rules see them (ZEC snapshots take no tags). */
function snapshotsOf(result: CallResult): NeutralSnapshot[] {
  return ((result.data?.['dataSet'] as Array<Record<string, unknown>> | undefined) ?? []).map((item) => ({
    id: String(item['snapshotId']), name: String(item['snapshotName']), diskId: String(item['diskId']), state: String(item['status']), tags: [],
  }));
}

/** Zenlayer Cloud ZEC (API 2025-09-01): client, canonical mapping and emulator. */
export const zenlayerZec: VendorAdapter = {
  vendor: 'zenlayer-zec',
  specFile: 'specs/zenlayer-zec.yaml',

  createClient(target, spec, transport) {
    const client = new ZenlayerClient({
      endpoint: target.endpoint, spec, transport,
      credentials: { accessKeyId: target.credentials.id, accessKeyPassword: target.credentials.secret },
    });
    return { call: (action, params) => client.call(action, params) };
  },

  // Wrong on purpose for the auth and protocol rules: ZC2 as the SDKs sign it, with one thing changed.
  rawClient(target, spec, transport) {
    const { id, secret } = target.credentials;
    const client = (accessKeyId: string) => new ZenlayerClient({
      endpoint: target.endpoint, spec, transport, credentials: { accessKeyId, accessKeyPassword: secret },
    });
    const known = client(id);
    const unknown = client('SNAPCONFORMNOSUCHKEY');
    return {
      call(action, params, wire = {}) {
        if (wire.repeatNonce) throw new Error('ZC2 requests carry no nonce to replay');
        return (wire.unknownKey ? unknown : known).call(wire.action ?? action, params, {
          signWithSecret: wire.wrongSecret ? WRONG_SECRET : undefined,
          timestamp: wire.timestampOffsetSeconds === undefined ? undefined : Math.floor(Date.now() / 1000) + wire.timestampOffsetSeconds,
          headers: wire.version === undefined ? undefined : { 'X-ZC-Version': wire.version },
        });
      },
    };
  },

  // The spec's (inferred) auth codes, the ones the emulator's verifier answers with. No nonce: exact replays
  // are accepted (§B1). No code is documented for an unknown action or version.
  authErrors: {
    wrongSignature: { code: ZC2_AUTH_ERROR_CODES.signatureInvalid },
    unknownKey: { code: ZC2_AUTH_ERROR_CODES.accessKeyInvalid },
    expired: { code: ZC2_AUTH_ERROR_CODES.timestampExpired },
  },

  emulator: defineEmulator({
    create: (options) => new ZenlayerEmulator(options),

    // ZEC ids are numeric strings in the docs' examples (disk "862857204414550690", reference §B3).
    // ZEC ids are numeric strings in the docs' examples (disk "862857204414550690", reference §B3).
    fixtures: () => standardFixtures('asia-east-1a', (n) => `166054533097168000${n}`, (n) => `86285720441455000${n}`),

    diskId(seed) {
      return `8628572044${seed.replace(/\D/g, '').padStart(8, '0').slice(-8)}`;
    },

    standalone: {
      region: undefined,
      regionInRequests: false,
      credentials: { id: 'SNAPCONFORMEMULATORZENLAYER', secret: 'SnapconformEmulatorZenlayerPassword' },
      credentialNames: { id: 'accessKeyId', secret: 'accessKeyPassword' },
      snippetTitle: 'CreateSnapshot on the wire (endpoint and headers; sign with ZC2-HMAC-SHA256):',
      snippet: ({ host, id, diskId, spec }) => [
        `POST http://${host}${spec.protocol.path}`,
        `Content-Type: ${spec.protocol.contentType}`,
        `${spec.protocol.action.header ?? 'X-ZC-Action'}: CreateSnapshot`,
        `${spec.protocol.version.header ?? 'X-ZC-Version'}: ${spec.version}`,
        'X-ZC-Timestamp: <unix seconds>',
        'X-ZC-Signature-Method: ZC2-HMAC-SHA256',
        `Authorization: ZC2-HMAC-SHA256 Credential=${id}, SignedHeaders=content-type;host, Signature=<hex HMAC-SHA256 keyed with the password>`,
        '',
        JSON.stringify({ diskId: diskId ?? 'diskId1', snapshotName: SNIPPET_SNAPSHOT_NAME }),
        '',
        `# official SDKs (Go, Python): Config scheme "http", domain "${host}"; the password is the AccessKeyPassword`,
      ].join('\n'),
    },
  }),

  validRequest(action, fixtures) {
    const [disk] = fixtures.sameInstanceDisks;
    switch (action) {
      case 'CreateSnapshot': return { diskId: disk, snapshotName: 'snapconform-valid' };
      case 'DescribeSnapshots': return {};
      case 'DescribeDisks': return {};
      case 'DeleteSnapshots': return { snapshotIds: ['snapconform-no-such-snapshot'] };
      default: return undefined;
    }
  },

  // A CreateSnapshot lost in flight is found again by disk and name among snapshots created since the call.
  async reconcileCreate(client, action, params, startedAtMs) {
    if (action !== 'CreateSnapshot' || typeof params['diskId'] !== 'string' || typeof params['snapshotName'] !== 'string') return undefined;
    const found = await client.call('DescribeSnapshots', { diskIds: [params['diskId']], snapshotName: params['snapshotName'] });
    if (!found.ok) return undefined;
    const since = zenlayerTime(new Date(startedAtMs - 1000));
    const matches = ((found.data?.['dataSet'] as Array<Record<string, unknown>> | undefined) ?? [])
      .filter((s) => s['snapshotName'] === params['snapshotName'] && String(s['createTime'] ?? '') >= since);
    if (matches.length === 0) return null;
    if (matches.length > 1) return undefined;
    return { ...found, action, data: { requestId: found.requestId, snapshotId: matches[0]!['snapshotId'] } };
  },

  canonical: {
    createSnapshot: {
      params: (input) => ({
        diskId: input.diskId,
        snapshotName: input.name,
        retentionTime: input.deadline === undefined ? undefined : zenlayerTime(input.deadline),
      }),
      snapshotId: (result) => (typeof result.data?.['snapshotId'] === 'string' ? result.data['snapshotId'] : undefined),
      nameParameter: 'snapshotName',
      // ZEC CreateSnapshot takes no tags (seeds/zenlayer-zec-CreateSnapshot.md, 2. 请求参数).
      tagsParameter: undefined,
    },
    describeSnapshot: {
      params: (id) => ({ snapshotIds: [id] }),
      snapshot: (result) => snapshotsOf(result)[0],
    },
    // snapshotName is a fuzzy match (reference §B3): the caller keeps the exact names.
    findSnapshotsByName: {
      params: (name) => ({ snapshotName: name, pageSize: 100 }),
      snapshots: snapshotsOf,
    },
    countSnapshotsOfDisk: {
      params: (diskId) => ({ diskIds: [diskId], pageSize: 1 }),
      count: (result) => totalOf(result.data?.['totalCount']),
    },
    deleteSnapshot: { params: (id) => ({ snapshotIds: [id] }), notFound: 'INVALID_DISK_SNAPSHOT_NOT_FOUND' },
  },
};
