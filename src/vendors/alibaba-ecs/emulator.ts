import { randomUUID } from 'node:crypto';
import type { Scope, SnapshotView } from '../../emulator/backend.ts';
import { EmulatorFrontEnd, VendorFault, type VendorEmulatorOptions } from '../../emulator/front-end.ts';
import { json, type ArrivedHttpRequest, type HttpAnswer } from '../../emulator/http-server.ts';
import { randomId } from '../../emulator/ids.ts';
import type { Disk, Tag } from '../../emulator/model.ts';
import type { ParamValue } from '../../transport/flatten.ts';
import { DEFAULT_SKEW_SECONDS, type AuthSuccess } from './auth-errors.ts';
import { decodeParams } from './codec.ts';
import { MemoryNonceStore } from './nonce-store.ts';
import { arrivedParams, firstValues } from './request-params.ts';
import { V2_COMMON_PARAMETERS } from './rpc-v2.verifier.ts';
import { verifyAlibabaRequest } from './verify-request.ts';
import { toXml } from './xml-writer.ts';

type Params = { [key: string]: ParamValue };

/** Disk states in Alibaba's words (DescribeDisks `Status`, reference §A3.7). */
const DISK_STATUS: Record<Disk['state'], string> = {
  attached: 'In_use', unattached: 'Available', attaching: 'Attaching', detaching: 'Detaching',
  creating: 'Creating', rollbacking: 'ReIniting', expanding: 'In_use', deleting: 'Detaching',
};

/** `yyyy-MM-ddTHH:mm:ssZ` (reference §A3.5). */
const acsTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

// An endpoint serves one region (CreateSnapshot names none: reference §A1.1); one scope holds its resources.
const ECS_SCOPE = 'ecs';
const HOST_ID = 'ecs.aliyuncs.com';

const fault = (code: string, status: number, message: string) => new VendorFault(code, status, message);

/** Whether a request is signed with ACS3 (V3), which announces itself in the Authorization header; else it is read as RPC V2 (reference §A1.1, §A1.3). */
const signedWithAcs3 = (request: ArrivedHttpRequest) => (request.headers['authorization'] ?? '').trim().startsWith('ACS3-');

function renderSnapshot(s: SnapshotView, retentionDays: number | undefined): Record<string, unknown> {
  return {
    SnapshotId: s.id,
    SnapshotName: s.name,
    Description: s.description ?? '',
    Status: s.state === 'creating' ? 'progressing' : 'accomplished',
    Progress: `${s.progress}%`,
    Available: s.state === 'completed',
    SourceDiskId: s.diskId,
    SourceDiskSize: String(s.diskSizeGiB),
    SourceDiskType: s.diskUsage,
    CreationTime: acsTime(s.createdAt),
    LastModifiedTime: acsTime(s.createdAt),
    SnapshotType: 'user',
    Usage: 'none',
    Category: 'standard',
    InstantAccess: false,
    Encrypted: s.encrypted,
    ...(retentionDays === undefined ? {} : { RetentionDays: retentionDays }),
    Tags: { Tag: s.tags.map((t) => ({ TagKey: t.key, TagValue: t.value })) },
  };
}

/**
 * A request read as if its signature had verified (the `signature-not-checked` deviation): its parameters,
 * action and version from where its scheme carries them, as the verifiers return them.
 */
function unverifiedVerdict(request: ArrivedHttpRequest, accessKeyId: string): AuthSuccess {
  const { query, form } = arrivedParams(request);
  const all = [...query, ...form];
  if (signedWithAcs3(request)) {
    const header = (name: string) => request.headers[name]?.trim();
    return {
      ok: true, scheme: 'ACS3-HMAC-SHA256', accessKeyId, params: firstValues(all), action: header('x-acs-action'),
      version: header('x-acs-version'), format: undefined, securityToken: header('x-acs-security-token'),
    };
  }
  const common = firstValues(all.filter(([name]) => V2_COMMON_PARAMETERS.has(name)));
  return {
    ok: true, scheme: 'HMAC-SHA1', accessKeyId, params: firstValues(all, V2_COMMON_PARAMETERS), action: common['Action'],
    version: common['Version'], format: common['Format'], securityToken: common['SecurityToken'],
  };
}

/**
 * The Alibaba Cloud ECS emulator front end: RPC over `/` with either signature — ACS3-HMAC-SHA256 (the
 * official SDK's default: business parameters in the query of a POST) or RPC V2 HMAC-SHA1 (GET query or POST
 * form), nonces remembered against replay — answering `{RequestId, ...}` and errors
 * `{RequestId, HostId, Code, Message, Recommend}` with their documented HTTP status, in JSON, or in XML when
 * a V2 request asks for it (`Format=XML`, or no Format: XML is the documented default, reference §A1.1),
 * refusals of its signature included.
 */
export class AlibabaEmulator extends EmulatorFrontEnd {
  private readonly nonces = new MemoryNonceStore();
  // RetentionDays as requested, for DescribeSnapshots (the domain keeps only the deadline it implies).
  private readonly retention = new Map<string, number | undefined>();
  // Set at the start of each (synchronous) request: how its answer, error or not, is written.
  private xml = false;

  constructor(options: VendorEmulatorOptions) {
    super({
      ...options,
      renderDiskState: (disk) => DISK_STATUS[disk.state],
      fixedRegion: ECS_SCOPE,
      // `s-` and lower-case alphanumerics (`s-bp17441ohwka0yuh****`, reference §A3.4).
      ids: { snapshot: () => randomId('s-bp', 18), group: () => randomId('ssg-', 18) },
      refusals: {
        'snapshot-not-found': { code: 'InvalidSnapshotId.NotFound', status: 404 },
      },
    });
  }

  // V3 carries the action in `x-acs-action`; V2 in the `Action` parameter (reference §A1.1, §A1.3). The first
  // hook a request passes: its answer format is read here too, so that a fault answered before `serve`
  // (throttling, an injected one) is written in it.
  protected override peekAction(request: ArrivedHttpRequest): string | undefined {
    this.xml = this.asksForXml(request);
    return request.headers['x-acs-action'] ?? super.peekAction(request);
  }

  /**
   * Whether a request's answers, errors included, are XML: a V2 request whose `Format` is XML, or that names
   * none (XML is the documented default, reference §A1.1). ACS3 requests get JSON: their documents name no way
   * to ask for XML. Read from the request as it arrived, before its signature is checked, so that a refusal
   * of the signature is written in the format asked for too. Deviation `xml-answered-as-json`: never XML.
   */
  private asksForXml(request: ArrivedHttpRequest): boolean {
    if (this.deviations.has('xml-answered-as-json')) return false;
    if (signedWithAcs3(request)) return false;
    const { query, form } = arrivedParams(request);
    const common = firstValues([...query, ...form].filter(([name]) => V2_COMMON_PARAMETERS.has(name)));
    // A request that is no V2 request at all (no V2 parameter) keeps the JSON it always got.
    if (Object.keys(common).length === 0) return false;
    return (common['Format'] ?? 'XML').toUpperCase() === 'XML';
  }

  protected newRequestId(): string {
    return randomUUID().toUpperCase();
  }

  // RPC lists count from 1 on the wire (`Tag.1.Key`, reference §A3.1): a message names the parameter so.
  protected override wireParameterName(path: string): string {
    return path.split('.').map((segment) => (/^\d+$/.test(segment) ? String(Number(segment) + 1) : segment)).join('.');
  }

  protected fault(requestId: string, error: VendorFault): HttpAnswer {
    const body = {
      RequestId: requestId, HostId: HOST_ID, Code: error.code, Message: error.message,
      Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(error.code)}&product=Ecs&requestId=${requestId}`,
    };
    // The SDK reads an XML error only with exactly this content type (reference §A2).
    return this.xml
      ? { status: error.status, headers: { 'content-type': 'text/xml;charset=utf-8' }, body: toXml('Error', body) }
      : json(error.status, body);
  }

  protected serve(request: ArrivedHttpRequest, requestId: string): HttpAnswer {
    this.xml = this.asksForXml(request);
    const method = request.method.toUpperCase();
    if (method !== 'GET' && method !== 'POST') throw fault('UnsupportedHTTPMethod', 403, 'This HTTP method is not supported.');
    this.signatureInUse = signedWithAcs3(request) ? 'acs3' : 'rpc-v2';
    // The deviations bend the check here: the window (clock-skew-not-enforced), the nonce store
    // (nonce-replay-accepted: every nonce is fresh) and the verdict (signature-not-checked).
    const checked = verifyAlibabaRequest(request, {
      now: Math.floor(this.backend.clock.now() / 1000),
      skewSeconds: this.skewWindow(this.spec.protocol.clockSkewSeconds?.value ?? DEFAULT_SKEW_SECONDS),
      secretOf: this.secretOf,
      nonces: this.deviations.has('nonce-replay-accepted') ? { remember: () => true } : this.nonces,
    });
    const unchecked = checked.ok ? undefined : this.keyDespiteSignature(checked.code === 'SignatureDoesNotMatch');
    const verdict = unchecked === undefined ? checked : unverifiedVerdict(request, unchecked);
    if (!verdict.ok) throw fault(verdict.code, verdict.status, verdict.message);
    const { action, version } = verdict;
    if (!action) throw fault('MissingParameter', 400, 'The input parameter "Action" that is mandatory for processing this request is not supplied.');
    if (!this.spec.hasAction(action)) throw fault(this.unknownActionCode('InvalidAction'), 403, 'Specified action is not valid.');
    if (!this.versionServed(version)) throw fault('InvalidParameter', 400, `The specified parameter "Version" is not valid: ${version ?? ''}.`);
    const decoded = decodeParams(verdict.params, this.spec.action(action).resolvedRequestSchema);
    if (decoded.dropped.length > 0) throw fault('InvalidParameter', 400, `The specified parameter "${decoded.dropped[0]}" is not valid.`);
    this.validate(action, decoded.params);
    const data = { RequestId: requestId, ...this.dispatch(action, { account: this.accountOf(verdict.accessKeyId), region: ECS_SCOPE }, decoded.params) };
    return this.xml
      ? { status: 200, headers: { 'content-type': 'text/xml;charset=utf-8' }, body: toXml(`${action}Response`, data) }
      : json(200, data);
  }

  private dispatch(action: string, scope: Scope, p: Params): Record<string, unknown> {
    const str = (v: ParamValue) => (typeof v === 'string' ? v : undefined);
    const idList = (v: ParamValue) => {
      if (typeof v !== 'string') return undefined;
      try {
        const parsed = JSON.parse(v) as unknown;
        if (Array.isArray(parsed)) return parsed.map(String);
      } catch {
        // fall through: not JSON
      }
      throw fault('InvalidParameter', 400, 'The specified parameter is not a JSON array of ids.');
    };
    switch (action) {
      case 'CreateSnapshot': {
        const days = typeof p['RetentionDays'] === 'number' ? p['RetentionDays'] : undefined;
        // Tag.N.Key, or the deprecated lower-case Tag.N.key (seed: 请求参数).
        const tags: Tag[] = Array.isArray(p['Tag'])
          ? (p['Tag'] as Params[]).map((t) => ({ key: String(t['Key'] ?? t['key'] ?? ''), value: String(t['Value'] ?? t['value'] ?? '') }))
          : [];
        const { ClientToken: token, ...rest } = p;
        const snapshot = this.backend.createSnapshot(scope, {
          diskId: String(p['DiskId']),
          name: str(p['SnapshotName']),
          description: str(p['Description']),
          deadline: days === undefined ? undefined : this.backend.clock.now() + days * 86_400_000,
          tags,
          idempotency: typeof token === 'string' ? { token, fingerprint: JSON.stringify(rest) } : undefined,
          resourceGroup: str(p['ResourceGroupId']),
        });
        this.retention.set(snapshot.id, days);
        return { SnapshotId: snapshot.id };
      }
      case 'DescribeSnapshots': {
        let list = this.backend.describeSnapshots(scope, { ids: idList(p['SnapshotIds']), diskIds: str(p['DiskId']) ? [str(p['DiskId'])!] : undefined })
          .map((s) => renderSnapshot(s, this.retention.get(s.id)));
        if (typeof p['SnapshotName'] === 'string') list = list.filter((s) => s['SnapshotName'] === p['SnapshotName']);
        if (typeof p['Status'] === 'string' && p['Status'] !== 'all') list = list.filter((s) => s['Status'] === p['Status']);
        const size = typeof p['PageSize'] === 'number' ? p['PageSize'] : typeof p['MaxResults'] === 'number' ? p['MaxResults'] : 10;
        const page = typeof p['PageNumber'] === 'number' ? p['PageNumber'] : 1;
        return { TotalCount: list.length, PageNumber: page, PageSize: size, Snapshots: { Snapshot: list.slice((page - 1) * size, page * size) } };
      }
      case 'DeleteSnapshot': {
        // "If you call this operation to delete a snapshot that is being created, the creation is canceled."
        this.backend.deleteSnapshots(scope, [String(p['SnapshotId'])], { cancelCreating: true });
        return {};
      }
      case 'DescribeDisks': {
        let disks = this.backend.describeDisks(scope, idList(p['DiskIds']));
        if (typeof p['InstanceId'] === 'string') disks = disks.filter((d) => d.instanceId === p['InstanceId']);
        const rendered = disks.map((d) => ({
          DiskId: d.id, DiskName: d.name, Description: '', Status: DISK_STATUS[d.state], Type: d.usage, Category: 'cloud_essd',
          Size: d.sizeGiB, InstanceId: d.instanceId ?? '', ZoneId: d.zone, RegionId: String(p['RegionId'] ?? ''), Portable: d.usage === 'data',
          Encrypted: d.encrypted, CreationTime: acsTime(d.createdAt),
        }));
        return { TotalCount: rendered.length, PageNumber: 1, PageSize: rendered.length, Disks: { Disk: rendered } };
      }
      default:
        throw fault('InvalidAction', 403, `The emulator does not implement ${action} yet.`);
    }
  }
}
