import type { EmulatorFrontEnd, VendorEmulatorOptions } from '../emulator/front-end.ts';
import type { VendorSpec } from '../spec/vendor-spec.ts';
import type { VendorId } from '../spec/spec-types.ts';
import { AlibabaEmulator } from '../vendors/alibaba-ecs/emulator.ts';
import { TencentEmulator } from '../vendors/tencent-cbs/emulator.ts';
import { ZenlayerEmulator } from '../vendors/zenlayer-zec/emulator.ts';

/** What a snippet needs to know. */
export interface SnippetInput {
  /** `127.0.0.1:<port>` */
  host: string;
  id: string;
  secret: string;
  region: string | undefined;
  /** A disk CreateSnapshot accepts (an attached data disk), if the world has one. */
  diskId: string | undefined;
  spec: VendorSpec;
}

/** What `snapconform emulate` needs of a vendor beyond its adapter. */
export interface EmulateProfile {
  /**
   * Builds the vendor's emulator front end. `adapter.emulator.start` would do, but it listens on an
   * ephemeral port and keeps the backend to itself; `emulate` needs `--port` and the backend's state.
   */
  frontEnd(options: VendorEmulatorOptions): EmulatorFrontEnd;
  /** The region of the demo world and of a seed file that names none; undefined when the API names none. */
  region: string | undefined;
  /** Whether requests name the region (Tencent's X-TC-Region): then the world lives in that region only. */
  regionInRequests: boolean;
  /** The stable default key pair (documented in `snapconform emulate --help`). */
  credentials: { id: string; secret: string };
  /** How the key pair is called in the vendor's SDKs. */
  credentialNames: { id: string; secret: string };
  /** A ready-to-paste call of CreateSnapshot against the emulator, and what it is. */
  snippet(input: SnippetInput): string;
  snippetTitle: string;
}

const NAME = 'my-first-snapshot';
const q = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The vendors `snapconform emulate` can serve. */
export const EMULATE_PROFILES: Record<VendorId, EmulateProfile> = {
  'tencent-cbs': {
    frontEnd: (options) => new TencentEmulator(options),
    region: 'ap-guangzhou',
    regionInRequests: true,
    credentials: { id: 'AKIDSNAPCONFORMEMULATOR0000000000000', secret: 'SnapconformEmulatorTencentSecret' },
    credentialNames: { id: 'secretId', secret: 'secretKey' },
    snippetTitle: 'CreateSnapshot with the official SDK (tencentcloud-sdk-nodejs):',
    snippet: ({ host, id, secret, region, diskId }) => [
      "// npm i tencentcloud-sdk-nodejs",
      "const { cbs } = require('tencentcloud-sdk-nodejs');",
      'const client = new cbs.v20170312.Client({',
      `  credential: { secretId: ${q(id)}, secretKey: ${q(secret)} },`,
      `  region: ${q(region ?? 'ap-guangzhou')},`,
      `  profile: { httpProfile: { endpoint: ${q(host)}, protocol: 'http://' } },`,
      '});',
      `client.CreateSnapshot({ DiskId: ${q(diskId ?? 'disk-xxxxxxxx')}, SnapshotName: ${q(NAME)} })`,
      '  .then((r) => console.log(r.SnapshotId));',
    ].join('\n'),
  },
  'alibaba-ecs': {
    frontEnd: (options) => new AlibabaEmulator(options),
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
      `  accessKeyId: ${q(id)}, accessKeySecret: ${q(secret)},`,
      `  endpoint: ${q(host)}, protocol: 'http', regionId: ${q(region ?? 'cn-hangzhou')},`,
      '}));',
      `client.createSnapshot(new CreateSnapshotRequest({ diskId: ${q(diskId ?? 'd-xxxxxxxx')}, snapshotName: ${q(NAME)} }))`,
      '  .then((r) => console.log(r.body.snapshotId));',
    ].join('\n'),
  },
  'zenlayer-zec': {
    frontEnd: (options) => new ZenlayerEmulator(options),
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
      JSON.stringify({ diskId: diskId ?? 'diskId1', snapshotName: NAME }),
      '',
      `# official SDKs (Go, Python): Config scheme "http", domain "${host}"; the password is the AccessKeyPassword`,
    ].join('\n'),
  },
};
