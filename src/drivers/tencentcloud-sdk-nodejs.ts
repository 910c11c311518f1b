import type { SdkDriver } from './driver.ts';
import { hostOf, sdkResult } from './driver.ts';

interface TencentSdkError extends Error {
  code?: string;
  requestId?: string;
  httpCode?: number;
}

type CbsClient = Record<string, (params: unknown) => Promise<Record<string, unknown>>>;

/**
 * tencentcloud-sdk-nodejs: every CBS action through the SDK's own method of that name (`client.CreateSnapshot`),
 * TC3-HMAC-SHA256 over POST, its default. The SDK throws `TencentCloudSDKHttpException` with `code` and
 * `requestId` for a documented error (abstract_client.js parseResponse), and without a code for a non-200
 * answer — which the documents never give for an error (reference tencent-cbs.md §2).
 */
export const tencentcloudSdkNodejs: SdkDriver = {
  id: 'tencentcloud-sdk-nodejs',
  packageName: 'tencentcloud-sdk-nodejs',
  entry: 'tencentcloud-sdk-nodejs/tencentcloud/services/cbs',
  vendor: 'tencent-cbs',
  createClient(sdk, _load, target, spec) {
    const cbs = (sdk as { cbs: Record<string, { Client: new (config: unknown) => CbsClient }> }).cbs;
    const version = `v${spec.version.replace(/-/g, '')}`;
    const Client = cbs[version]?.Client;
    if (!Client) throw new Error(`tencentcloud-sdk-nodejs has no cbs.${version} (the spec's API version ${spec.version})`);
    const { host, scheme } = hostOf(target.endpoint);
    const client = new Client({
      credential: { secretId: target.credentials.id, secretKey: target.credentials.secret, ...(target.credentials.token ? { token: target.credentials.token } : {}) },
      region: target.region,
      profile: { httpProfile: { endpoint: host, protocol: `${scheme}://`, reqTimeout: 60 } },
    });
    return {
      // The SDK's methods take the request as JSON: any parameter, even one it does not know, is sent.
      cannotSend: () => undefined,
      async call(action, params) {
        const startedAt = Date.now();
        const method = client[action];
        if (typeof method !== 'function') throw new Error(`tencentcloud-sdk-nodejs has no method ${action}`);
        const base = { action, params, startedAt, driver: 'tencentcloud-sdk-nodejs', endpoint: target.endpoint };
        try {
          const response = await method.call(client, params);
          // The SDK hands over the inside of Tencent's `Response` envelope; the spec's schema is of the envelope.
          return sdkResult({ ...base, status: 200, requestId: typeof response['RequestId'] === 'string' ? response['RequestId'] : undefined, data: response, body: { Response: response }, raw: response });
        } catch (error) {
          const e = error as TencentSdkError;
          // No code, no request id, no status: the request never got an answer (a network failure).
          if (e.code === undefined && !e.requestId && e.httpCode === undefined) throw error;
          return sdkResult({ ...base, status: e.httpCode ?? 200, requestId: e.requestId || undefined, error: { code: e.code ?? '', message: e.message }, raw: { code: e.code, message: e.message, requestId: e.requestId, httpCode: e.httpCode } });
        }
      },
    };
  },
};
