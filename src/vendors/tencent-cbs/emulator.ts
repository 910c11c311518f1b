import { randomUUID } from 'node:crypto';
import type { Scope, SnapshotView } from '../../emulator/backend.ts';
import { EmulatorFrontEnd, VendorFault, type VendorEmulatorOptions } from '../../emulator/front-end.ts';
import { json, type ArrivedHttpRequest, type HttpAnswer } from '../../emulator/http-server.ts';
import { randomId } from '../../emulator/ids.ts';
import type { Disk, Tag } from '../../emulator/model.ts';
import { coerceToSchema, unflattenParams, type ParamValue } from '../../transport/flatten.ts';
import { TC3_ALGORITHM } from './tc3.signer.ts';
import { verifyTc3 } from './tc3.verifier.ts';
import { V1_COMMON_PARAMS } from './v1.signer.ts';
import { verifyV1 } from './v1.verifier.ts';

type Params = { [key: string]: ParamValue };

/** Who called, and the common parameters, from whichever signature version the request used. */
interface ArrivedCall {
  account: string;
  action: string | undefined;
  version: string | undefined;
  region: string | undefined;
  /** v1 carries the business parameters as flat pairs beside the common ones; TC3 in the body or query. */
  pairs: Array<[string, string]> | undefined;
}

/** Tencent answers every error with HTTP 200 (../shared/reference/tencent-cbs.md §2.1). */
const fault = (code: string, message: string) => new VendorFault(code, 200, message);

const DISK_STATE: Record<Disk['state'], string> = {
  attached: 'ATTACHED', unattached: 'UNATTACHED', attaching: 'ATTACHING', detaching: 'DETACHING',
  creating: 'UNATTACHED', rollbacking: 'ROLLBACKING', expanding: 'EXPANDING', deleting: 'TORECYCLE',
};

/** Tencent's disk types (DescribeDisks `DiskType`, ../shared/reference/tencent-cbs.md §3.5); a neutral type is shown as premium. */
const DISK_TYPES = ['CLOUD_BASIC', 'CLOUD_PREMIUM', 'CLOUD_BSSD', 'CLOUD_SSD', 'CLOUD_HSSD', 'CLOUD_TSSD'];

/** Tencent renders snapshot times as `2023-03-09 10:45:11`, China time (../shared/reference/tencent-cbs.md §3.3). */
function tencentTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

const tags = (list: Tag[]) => list.map((t) => ({ Key: t.key, Value: t.value }));

function renderSnapshot(s: SnapshotView): Record<string, unknown> {
  return {
    SnapshotId: s.id,
    SnapshotName: s.name,
    SnapshotState: s.state === 'creating' ? 'CREATING' : 'NORMAL',
    Percent: s.progress,
    DiskId: s.diskId,
    DiskUsage: s.diskUsage === 'system' ? 'SYSTEM_DISK' : 'DATA_DISK',
    DiskSize: s.diskSizeGiB,
    CreateTime: tencentTime(s.createdAt),
    DeadlineTime: s.deadline === undefined ? null : tencentTime(s.deadline),
    IsPermanent: s.deadline === undefined,
    Encrypt: s.encrypted,
    Placement: { Zone: s.zone },
    SnapshotType: 'PRIVATE_SNAPSHOT',
    CopyFromRemote: false,
    CopyingToRegions: [],
    Images: [],
    ImageCount: 0,
    ShareReference: 0,
    Tags: tags(s.tags),
  };
}

/**
 * The Tencent Cloud CBS emulator front end: speaks the API 3.0 protocol (POST JSON or GET query, TC3
 * signature, `X-TC-*` headers), validates each request against `specs/tencent-cbs.yaml`, runs it on the
 * vendor-neutral backend and answers in Tencent's envelope — HTTP 200 always, errors in `Response.Error`.
 */
export class TencentEmulator extends EmulatorFrontEnd {
  constructor(options: VendorEmulatorOptions) {
    super({
      ...options,
      renderDiskState: (disk) => DISK_STATE[disk.state],
      ids: { snapshot: () => randomId('snap-', 8), group: () => randomId('csnap-', 8) },
      // Companion actions' codes (DeleteSnapshots, reference §2.3).
      refusals: {
        'snapshot-not-found': { code: 'InvalidSnapshotId.NotFound', status: 200 },
        'snapshot-busy': { code: 'ResourceUnavailable.SnapshotCreating', status: 200 },
        'group-not-found': { code: 'InvalidSnapshotId.NotFound', status: 200 },
      },
    });
  }

  protected newRequestId(): string {
    return randomUUID();
  }

  protected fault(requestId: string, error: VendorFault): HttpAnswer {
    return json(200, { Response: { Error: { Code: error.code, Message: error.message }, RequestId: requestId } });
  }

  protected serve(request: ArrivedHttpRequest, requestId: string): HttpAnswer {
    return json(200, { Response: { ...this.answer(request), RequestId: requestId } });
  }

  private answer(request: ArrivedHttpRequest): Record<string, unknown> {
    const method = request.method.toUpperCase();
    if (method !== 'GET' && method !== 'POST') throw fault('UnsupportedProtocol', 'Only GET and POST requests are supported.');
    // "GET 请求只支持 32 KB 以内的请求包" (reference §1.1); the code is the common RequestSizeLimitExceeded.
    const getLimit = this.spec.protocol.maxRequestBytes?.value;
    if (method === 'GET' && getLimit !== undefined && Buffer.byteLength(request.query) > getLimit) {
      throw fault('RequestSizeLimitExceeded', `The request size exceeds the limit of ${getLimit} bytes for GET; use POST.`);
    }
    const call = this.arrive(request);
    // TC3 POST carries JSON (reference §1.1: "POST supports application/json (all APIs) and multipart/form-data
    // (specific APIs only)" — none of CBS's); v1 POST carries a form.
    const contentType = request.headers['content-type'] ?? '';
    if (method === 'POST' && !call.pairs && !/^application\/json\b/i.test(contentType)) {
      throw fault(this.spec.validationErrors.type.code, `Content-Type \`${contentType}\` is not supported; send application/json.`);
    }
    const { action, version, region } = call;
    if (!action) throw fault('MissingParameter', 'The request is missing the required parameter `Action`.');
    if (!this.spec.hasAction(action)) throw fault(this.unknownActionCode('InvalidAction'), `The action \`${action}\` does not exist.`);
    if (!this.versionServed(version)) throw fault('NoSuchVersion', `The API version \`${version ?? ''}\` does not exist.`);
    if (!region) throw fault('MissingParameter', 'The request is missing the required parameter `Region`.');

    const spec = this.spec.action(action);
    const params = call.pairs
      ? coerceToSchema(unflattenParams(call.pairs), spec.resolvedRequestSchema) as Params
      : this.parameters(request, spec.resolvedRequestSchema);
    this.validate(action, params);

    const scope: Scope = { account: call.account, region };
    return this.dispatch(action, scope, params);
  }

  /**
   * Verifies the signature — TC3 when an Authorization header is present, else signature v1 with its
   * common parameters in the query or form (../shared/reference/tencent-cbs.md §1.3) — and reads the
   * common values from wherever that version carries them.
   */
  private arrive(request: ArrivedHttpRequest): ArrivedCall {
    const options = {
      now: Math.floor(this.backend.clock.now() / 1000),
      // The deviations bend the check here: the window (clock-skew-not-enforced) and the signature verdict
      // (signature-not-checked: a v1 request is then read as sent, a TC3 one from its X-TC-* headers).
      skewSeconds: this.skewWindow(this.spec.protocol.clockSkewSeconds?.value ?? 300),
      secretOf: this.secretOf,
    };
    const despite = (verdict: { ok: boolean; code?: string }) => (verdict.ok ? undefined : this.keyDespiteSignature(verdict.code === 'AuthFailure.SignatureFailure'));
    if (request.headers['authorization'] === undefined) {
      // v1: HmacSHA256 when SignatureMethod says so, anything else HmacSHA1 (reference §1.3).
      const method = new URLSearchParams(request.method.toUpperCase() === 'GET' ? request.query : request.body.toString('utf8')).get('SignatureMethod');
      this.signatureInUse = method === 'HmacSHA256' ? 'HmacSHA256' : 'HmacSHA1';
      const verdict = verifyV1(request, options);
      const unchecked = despite(verdict);
      if (unchecked !== undefined) {
        const pairs = [...new URLSearchParams(request.method.toUpperCase() === 'GET' ? request.query : request.body.toString('utf8'))];
        const common = Object.fromEntries(pairs.filter(([name]) => V1_COMMON_PARAMS.has(name)));
        return { account: this.accountOf(unchecked), action: common['Action'], version: common['Version'], region: common['Region'], pairs: pairs.filter(([name]) => !V1_COMMON_PARAMS.has(name)) };
      }
      if (!verdict.ok) throw fault(verdict.code, verdict.message);
      const { action, version, region } = verdict.common;
      return { account: this.accountOf(verdict.secretId), action, version, region, pairs: verdict.params };
    }
    this.signatureInUse = TC3_ALGORITHM;
    const tc3 = verifyTc3(request, options);
    const unchecked = despite(tc3);
    const verdict = unchecked === undefined ? tc3 : { ok: true as const, secretId: unchecked };
    if (!verdict.ok) throw fault(verdict.code, verdict.message);
    return {
      account: this.accountOf(verdict.secretId),
      action: request.headers['x-tc-action'],
      version: request.headers['x-tc-version'],
      region: request.headers['x-tc-region'],
      pairs: undefined,
    };
  }

  private parameters(request: ArrivedHttpRequest, schema: Record<string, unknown>): Params {
    if (request.method.toUpperCase() === 'GET') {
      const pairs = [...new URLSearchParams(request.query)] as Array<[string, string]>;
      return coerceToSchema(unflattenParams(pairs), schema) as Params;
    }
    if (request.body.length === 0) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(request.body.toString('utf8'));
    } catch {
      throw fault('InvalidParameter', 'The request body is not valid JSON.');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw fault('InvalidParameter', 'The request body must be a JSON object.');
    }
    return parsed as Params;
  }

  private dispatch(action: string, scope: Scope, p: Params): Record<string, unknown> {
    const str = (v: ParamValue) => (typeof v === 'string' ? v : undefined);
    const tagList = (v: ParamValue): Tag[] =>
      Array.isArray(v) ? v.map((t) => ({ key: String((t as Params)['Key'] ?? ''), value: String((t as Params)['Value'] ?? '') })) : [];
    switch (action) {
      case 'CreateSnapshot': {
        const diskId = str(p['DiskId']);
        if (diskId === undefined) throw fault('MissingParameter', 'The request is missing the required parameter `DiskId`.');
        const deadline = str(p['Deadline']);
        const snapshot = this.backend.createSnapshot(scope, {
          diskId,
          name: str(p['SnapshotName']),
          deadline: deadline === undefined ? undefined : Date.parse(deadline),
          tags: tagList(p['Tags']),
        });
        return { SnapshotId: snapshot.id };
      }
      case 'DescribeSnapshots': {
        const filters = Array.isArray(p['Filters']) ? (p['Filters'] as Params[]) : [];
        const values = (name: string) => {
          const filter = filters.find((f) => f['Name'] === name);
          return Array.isArray(filter?.['Values']) ? (filter['Values'] as string[]) : undefined;
        };
        const ids = Array.isArray(p['SnapshotIds']) ? (p['SnapshotIds'] as string[]) : values('snapshot-id');
        let list = this.backend.describeSnapshots(scope, { ids, diskIds: values('disk-id') }).map(renderSnapshot);
        const names = values('snapshot-name');
        if (names) list = list.filter((s) => names.includes(s['SnapshotName'] as string));
        const states = values('snapshot-state');
        if (states) list = list.filter((s) => states.includes(s['SnapshotState'] as string));
        const offset = typeof p['Offset'] === 'number' ? p['Offset'] : 0;
        const limit = typeof p['Limit'] === 'number' ? p['Limit'] : 20;
        return { TotalCount: list.length, SnapshotSet: list.slice(offset, offset + limit) };
      }
      case 'CreateSnapshotGroup': {
        const group = this.backend.createSnapshotGroup(scope, {
          diskIds: p['DiskIds'] as string[], name: str(p['SnapshotGroupName']), tags: tagList(p['Tags']),
        });
        return { SnapshotGroupId: group.id };
      }
      case 'DescribeSnapshotGroups': {
        const filters = Array.isArray(p['Filters']) ? (p['Filters'] as Params[]) : [];
        const ids = filters.find((f) => f['Name'] === 'snapshot-group-id')?.['Values'] as string[] | undefined;
        const groups = this.backend.describeSnapshotGroups(scope, ids).map((g) => ({
          SnapshotGroupId: g.id,
          SnapshotGroupName: g.name,
          SnapshotGroupState: g.state === 'creating' ? 'CREATING' : 'NORMAL',
          SnapshotGroupType: 'NORMAL',
          SnapshotIdSet: g.snapshotIds,
          Percent: g.progress,
          // Group times are ISO with an offset, unlike snapshots' (reference §3.3).
          CreateTime: new Date(g.createdAt).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
          ModifyTime: new Date(g.createdAt).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
          ContainRootSnapshot: false,
          Images: [],
          ImageCount: 0,
          IsPermanent: true,
          DeadlineTime: null,
        }));
        const offset = typeof p['Offset'] === 'number' ? p['Offset'] : 0;
        const limit = typeof p['Limit'] === 'number' ? p['Limit'] : 20;
        return { TotalCount: groups.length, SnapshotGroupSet: groups.slice(offset, offset + limit) };
      }
      case 'DeleteSnapshotGroup': {
        const ids = [...(typeof p['SnapshotGroupId'] === 'string' ? [p['SnapshotGroupId']] : []), ...((p['SnapshotGroupIds'] as string[] | undefined) ?? [])];
        this.backend.deleteSnapshotGroups(scope, ids);
        return {};
      }
      case 'DeleteSnapshots': {
        this.backend.deleteSnapshots(scope, (p['SnapshotIds'] as string[] | undefined) ?? []);
        return {};
      }
      case 'DescribeDisks': {
        const ids = Array.isArray(p['DiskIds']) ? (p['DiskIds'] as string[]) : undefined;
        const disks = this.backend.describeDisks(scope, ids).map((d) => ({
          DiskId: d.id, DiskName: d.name, DiskState: DISK_STATE[d.state], SnapshotAbility: d.snapshotAbility,
          Attached: d.instanceId !== undefined, InstanceId: d.instanceId ?? '', DiskUsage: d.usage === 'system' ? 'SYSTEM_DISK' : 'DATA_DISK',
          DiskType: DISK_TYPES.includes(d.type) ? d.type : 'CLOUD_PREMIUM', DiskSize: d.sizeGiB, Encrypt: d.encrypted, Placement: { Zone: d.zone },
          SnapshotCount: this.backend.describeSnapshots(scope, { diskIds: [d.id] }).length,
        }));
        return { TotalCount: disks.length, DiskSet: disks };
      }
      default:
        // The spec defines it but this emulator does not serve it yet: say so in Tencent's own words.
        throw fault('UnsupportedOperation', `The emulator does not implement \`${action}\` yet.`);
    }
  }
}
