import type { Params } from '../vendors/vendor-adapter.ts';
import type { SdkDriver } from './driver.ts';
import { hostOf, sdkResult } from './driver.ts';

/** A Tea model class of the SDK: API names by field (`names()`), field types (`types()`). */
interface TeaModelClass {
  new (map: Record<string, unknown>): { toMap(): Record<string, unknown> };
  names(): Record<string, string>;
  types(): Record<string, unknown>;
}

interface AlibabaSdkError extends Error {
  code?: string;
  statusCode?: number;
  data?: { RequestId?: string; statusCode?: number };
}

const isModel = (type: unknown): type is TeaModelClass => typeof type === 'function' && typeof (type as TeaModelClass).names === 'function';

/** Whether a value has the JavaScript type a Tea model field declares (`string`, `number`, an array, a model). */
function fitsType(type: unknown, value: unknown): boolean {
  if (type === 'string') return typeof value === 'string';
  if (type === 'number' || type === 'integer' || type === 'long') return typeof value === 'number';
  if (type === 'boolean') return typeof value === 'boolean';
  if (isModel(type)) return value !== null && typeof value === 'object' && !Array.isArray(value);
  const array = type as { type?: string; itemType?: unknown } | undefined;
  if (array?.type === 'array') return Array.isArray(value) && value.every((item) => fitsType(array.itemType, item));
  return true; // a type this driver does not know: let the SDK try
}

/**
 * The parameters the SDK's typed request cannot carry as given: API names with no field in the model, and
 * values of another type than the field's (at any depth). An SDK drops or converts those silently; the
 * suite must not mistake that for the service accepting them.
 */
function unexpressible(Model: TeaModelClass, params: Record<string, unknown>, at = ''): string[] {
  const byApiName = new Map(Object.entries(Model.names()).map(([field, api]) => [api, field]));
  const types = Model.types();
  return Object.entries(params).flatMap(([api, value]) => {
    const field = byApiName.get(api);
    if (field === undefined) return [`${at}${api}`];
    if (value === undefined) return [];
    const type = types[field];
    const item = (type as { type?: string; itemType?: unknown } | undefined)?.itemType;
    if (Array.isArray(value) && isModel(item)) {
      return value.flatMap((v, i) => (fitsType(item, v) ? unexpressible(item, v as Record<string, unknown>, `${at}${api}.${i}.`) : [`${at}${api}.${i}`]));
    }
    if (!fitsType(type, value)) return [`${at}${api}`];
    return isModel(type) ? unexpressible(type, value as Record<string, unknown>, `${at}${api}.`) : [];
  });
}

/** Structured parameters (API names, `Tag: [{Key, Value}]`) as the SDK's typed request model. */
function toModel(Model: TeaModelClass, params: Record<string, unknown>): InstanceType<TeaModelClass> {
  const types = Model.types();
  const fields: Record<string, unknown> = {};
  for (const [field, api] of Object.entries(Model.names())) {
    const value = params[api];
    if (value === undefined) continue;
    const type = types[field];
    const item = (type as { itemType?: unknown } | undefined)?.itemType;
    if (Array.isArray(value) && isModel(item)) fields[field] = value.map((v) => (v !== null && typeof v === 'object' ? toModel(item, v as Record<string, unknown>) : v));
    else if (isModel(type) && value !== null && typeof value === 'object') fields[field] = toModel(type, value as Record<string, unknown>);
    else fields[field] = value;
  }
  return new Model(fields);
}

/**
 * @alicloud/ecs20140526: every ECS action through the SDK's `<action>WithOptions` method with its typed
 * request model, built from the suite's API-named parameters via the model's own `names()`/`types()`. The
 * `:v2` variant signs with the RPC V2 signature (`signatureAlgorithm: 'v2'`) instead of the V3 default. The
 * SDK throws with `code`, `statusCode` and `data.RequestId` for a documented error.
 */
function alibabaDriver(id: string, signatureAlgorithm: 'v2' | undefined): SdkDriver {
  return {
    id,
    packageName: '@alicloud/ecs20140526',
    vendor: 'alibaba-ecs',
    createClient(sdk, load, target) {
      const Ecs = sdk as Record<string, unknown> & { default: new (config: unknown) => Record<string, (request: unknown, runtime: unknown) => Promise<{ statusCode: number; body: { toMap(): Record<string, unknown> } }>> };
      const { $OpenApiUtil } = load('@alicloud/openapi-core') as { $OpenApiUtil: { Config: new (map: Record<string, unknown>) => unknown } };
      const dara = load('@darabonba/typescript') as { RuntimeOptions: new (map: Record<string, unknown>) => unknown };
      const { host, scheme } = hostOf(target.endpoint);
      const client = new Ecs.default(new $OpenApiUtil.Config({
        accessKeyId: target.credentials.id, accessKeySecret: target.credentials.secret,
        ...(target.credentials.token ? { securityToken: target.credentials.token } : {}),
        endpoint: host, protocol: scheme, regionId: target.region,
        ...(signatureAlgorithm ? { signatureAlgorithm } : {}),
      }));
      // The suite's transport policy retries; the SDK must not retry behind its back.
      const runtime = new dara.RuntimeOptions({ autoretry: false, maxAttempts: 1 });
      const modelOf = (action: string) => {
        const Model = Ecs[`${action}Request`];
        if (!isModel(Model)) throw new Error(`@alicloud/ecs20140526 has no ${action}Request model`);
        return Model;
      };
      return {
        cannotSend(action, params, about) {
          const missing = unexpressible(modelOf(action), params);
          // Fields the SDK would drop that the request is not about (the legacy lowercase Tag.N.key of a base
          // request) leave it breaking what it breaks: only those the request is about make it unsendable.
          const relevant = about === undefined ? missing : missing.filter((path) => path === about || path.startsWith(`${about}.`) || about.startsWith(`${path}.`));
          return relevant.length > 0 ? `${id} cannot express ${relevant.join(', ')} in its typed ${action}Request (no such field, or another type): it cannot send the request as the rule means it` : undefined;
        },
        async call(action, params: Params) {
          const startedAt = Date.now();
          const method = client[`${action[0]!.toLowerCase()}${action.slice(1)}WithOptions`];
          if (typeof method !== 'function') throw new Error(`${id} has no method for ${action}`);
          const base = { action, params, startedAt, driver: id, endpoint: target.endpoint };
          try {
            const response = await method.call(client, toModel(modelOf(action), params), runtime);
            const data = response.body.toMap();
            return sdkResult({ ...base, status: response.statusCode, requestId: typeof data['RequestId'] === 'string' ? data['RequestId'] : undefined, data, raw: data });
          } catch (error) {
            const e = error as AlibabaSdkError;
            const status = e.statusCode ?? e.data?.statusCode;
            // No code and no status: the request never got an answer (a network failure).
            if (e.code === undefined && status === undefined) throw error;
            return sdkResult({ ...base, status: status ?? 0, requestId: e.data?.RequestId, error: { code: e.code ?? '', message: e.message }, raw: { code: e.code, message: e.message, statusCode: status, data: e.data } });
          }
        },
      };
    },
  };
}

/** The V3 signature (ACS3-HMAC-SHA256), the SDK's default. */
export const alicloudEcs = alibabaDriver('@alicloud/ecs20140526', undefined);
/** The RPC V2 signature (HMAC-SHA1), as older projects configure it. */
export const alicloudEcsV2 = alibabaDriver('@alicloud/ecs20140526:v2', 'v2');
