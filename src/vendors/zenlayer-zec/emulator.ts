import { randomUUID } from 'node:crypto';
import type { Scope, SnapshotView } from '../../emulator/backend.ts';
import { EmulatorFrontEnd, VendorFault, type VendorEmulatorOptions } from '../../emulator/front-end.ts';
import { json, type ArrivedHttpRequest, type HttpAnswer } from '../../emulator/http-server.ts';
import type { Disk } from '../../emulator/model.ts';
import type { ParamValue } from '../../transport/flatten.ts';
import { verifyZc2, ZC2_DEFAULT_SKEW_SECONDS, zc2AuthErrorsFromSpec, type Zc2AuthErrors } from './zc2.verifier.ts';

type Params = { [key: string]: ParamValue };

/**
 * Disk states in Zenlayer's words (DescribeDisks `diskStatus`, reference §B3). The CreateSnapshot page:
 * "云盘必须处于使用中或待挂载状态" — IN_USE or AVAILABLE.
 */
const DISK_STATUS: Record<Disk['state'], string> = {
  attached: 'IN_USE', unattached: 'AVAILABLE', attaching: 'ATTACHING', detaching: 'DETACHING',
  creating: 'CREATING', rollbacking: 'CHANGING', expanding: 'CHANGING', deleting: 'DELETING',
};

/** ZEC's API names no region (resources carry a zoneId): one scope holds an account's resources. */
const ZEC_SCOPE = 'zec';

/** ZEC times: `2025-07-02T09:51:00Z` (reference §B3). */
const zecTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

// The spec's invented INVALID_PARAMETER (x-common-errors): Zenlayer's common error page was not found.
const invalid = (message: string) => new VendorFault('INVALID_PARAMETER', 400, message);

function renderSnapshot(s: SnapshotView): Record<string, unknown> {
  return {
    snapshotId: s.id,
    snapshotName: s.name,
    zoneId: s.zone,
    status: s.state === 'creating' ? 'CREATING' : 'AVAILABLE',
    snapshotType: 'Manual',
    retentionTime: s.deadline === undefined ? null : zecTime(s.deadline),
    diskId: s.diskId,
    createTime: zecTime(s.createdAt),
    diskAbility: s.state === 'completed',
  };
}

/**
 * The Zenlayer ZEC emulator front end: `POST /api/v2/zec` with `X-ZC-Action`, a camelCase JSON body and a
 * ZC2-HMAC-SHA256 signature (identical retries accepted: the SDKs resend them); answers
 * `{requestId, response: {...}}` with HTTP 200, errors `{requestId, code, message}` with their documented status.
 */
export class ZenlayerEmulator extends EmulatorFrontEnd {
  private readonly authErrors: Zc2AuthErrors;

  constructor(options: VendorEmulatorOptions) {
    super({
      ...options,
      renderDiskState: (disk) => DISK_STATUS[disk.state],
      fixedRegion: ZEC_SCOPE,
      // The snapshot id format is undocumented (the docs show `snapshotId1`); ZEC's other ids are numeric strings.
      ids: { snapshot: () => String(BigInt(`0x${randomUUID().replace(/-/g, '').slice(0, 15)}`)), group: () => randomUUID() },
      refusals: {
        'snapshot-not-found': { code: 'INVALID_DISK_SNAPSHOT_NOT_FOUND', status: 404 },
        'snapshot-busy': { code: 'OPERATION_DENIED_DISK_SNAPSHOT_STATUS', status: 400 },
      },
    });
    this.authErrors = zc2AuthErrorsFromSpec(options.spec);
  }

  protected newRequestId(): string {
    return `T${randomUUID().toUpperCase()}`;
  }

  protected fault(requestId: string, error: VendorFault): HttpAnswer {
    return json(error.status, { requestId, code: error.code, message: error.message });
  }

  protected serve(request: ArrivedHttpRequest, requestId: string): HttpAnswer {
    if (request.method.toUpperCase() !== 'POST' || request.path !== this.spec.protocol.path) {
      throw invalid(`Requests go to POST ${this.spec.protocol.path}.`);
    }
    // The deviations bend the check here: the window (clock-skew-not-enforced) and the verdict (signature-not-checked).
    const checked = verifyZc2(request, {
      now: Math.floor(this.backend.clock.now() / 1000),
      passwordOf: this.secretOf,
      errors: this.authErrors,
      skewSeconds: this.skewWindow(ZC2_DEFAULT_SKEW_SECONDS),
    });
    const unchecked = checked.ok ? undefined : this.keyDespiteSignature(checked.code === this.authErrors.signatureInvalid.code);
    const verdict = unchecked === undefined ? checked : { ok: true as const, accessKeyId: unchecked };
    if (!verdict.ok) throw new VendorFault(verdict.code, verdict.status, verdict.message);
    const action = request.headers['x-zc-action'];
    if (!action || !this.spec.hasAction(action)) throw invalid(`Unknown action \`${action ?? ''}\`.`);
    const version = request.headers['x-zc-version'];
    if (!this.versionServed(version)) throw invalid(`Unsupported X-ZC-Version \`${version ?? ''}\`.`);
    // x-protocol.contentType: the body is JSON and says so.
    if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) throw invalid(`Content-Type must be ${this.spec.protocol.contentType}.`);
    let params: unknown;
    try {
      params = request.body.length === 0 ? {} : JSON.parse(request.body.toString('utf8'));
    } catch {
      throw invalid('The request body is not valid JSON.');
    }
    if (params === null || typeof params !== 'object' || Array.isArray(params)) throw invalid('The request body must be a JSON object.');
    this.validate(action, params);
    const response = this.dispatch(action, { account: this.accountOf(verdict.accessKeyId), region: ZEC_SCOPE }, params as Params);
    return json(200, { requestId, response: { requestId, ...response } });
  }

  private dispatch(action: string, scope: Scope, p: Params): Record<string, unknown> {
    const ids = (v: ParamValue) => (Array.isArray(v) ? (v as string[]) : undefined);
    switch (action) {
      case 'CreateSnapshot': {
        const retention = typeof p['retentionTime'] === 'string' ? Date.parse(p['retentionTime']) : undefined;
        const snapshot = this.backend.createSnapshot(scope, { diskId: String(p['diskId']), name: String(p['snapshotName']), deadline: retention });
        return { snapshotId: snapshot.id };
      }
      case 'DescribeSnapshots': {
        let list = this.backend.describeSnapshots(scope, { ids: ids(p['snapshotIds']), diskIds: ids(p['diskIds']) }).map(renderSnapshot);
        // snapshotName is a fuzzy match (reference §B3).
        if (typeof p['snapshotName'] === 'string') list = list.filter((s) => String(s['snapshotName']).includes(p['snapshotName'] as string));
        if (typeof p['status'] === 'string') list = list.filter((s) => s['status'] === p['status']);
        const size = typeof p['pageSize'] === 'number' ? p['pageSize'] : 20;
        const page = typeof p['pageNum'] === 'number' ? p['pageNum'] : 1;
        return { totalCount: list.length, dataSet: list.slice((page - 1) * size, page * size) };
      }
      case 'DeleteSnapshots': {
        this.backend.deleteSnapshots(scope, ids(p['snapshotIds']) ?? []);
        return { snapshotIds: [] };
      }
      case 'DescribeDisks': {
        const disks = this.backend.describeDisks(scope, ids(p['diskIds'])).map((d) => ({
          diskId: d.id, diskName: d.name, zoneId: d.zone, diskType: d.usage === 'system' ? 'SYSTEM' : 'DATA',
          diskStatus: DISK_STATUS[d.state], diskSize: d.sizeGiB, instanceId: d.instanceId ?? null, snapshotAbility: d.snapshotAbility,
          portable: d.usage === 'data', createTime: zecTime(d.createdAt),
        }));
        return { totalCount: disks.length, dataSet: disks };
      }
      default:
        throw invalid(`The emulator does not implement \`${action}\` yet.`);
    }
  }
}
