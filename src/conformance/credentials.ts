import type { VendorId } from '../spec/spec-types.ts';

/** The environment variables each vendor's official tooling reads for its keys. */
export const CREDENTIAL_ENV: Record<VendorId, { id: string; secret: string; token?: string }> = {
  // tencentcloud-sdk / tccli
  'tencent-cbs': { id: 'TENCENTCLOUD_SECRET_ID', secret: 'TENCENTCLOUD_SECRET_KEY', token: 'TENCENTCLOUD_SESSION_TOKEN' },
  // Alibaba Cloud credentials chain (@alicloud/credentials, aliyun CLI)
  'alibaba-ecs': { id: 'ALIBABA_CLOUD_ACCESS_KEY_ID', secret: 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', token: 'ALIBABA_CLOUD_SECURITY_TOKEN' },
  // zenlayer/terraform-provider-zenlayercloud (PROVIDER_SECRET_KEY_ID / _PASSWORD)
  'zenlayer-zec': { id: 'ZENLAYERCLOUD_ACCESS_KEY_ID', secret: 'ZENLAYERCLOUD_ACCESS_KEY_PASSWORD' },
};

/** API credentials of a target. */
export interface Credentials {
  id: string;
  secret: string;
  /** STS session token, where the vendor has one. */
  token?: string;
}

/** Reads a vendor's usual variables; undefined (with the names to set) when the id or secret is missing. */
export function credentialsFromEnv(vendor: VendorId, env: NodeJS.ProcessEnv): { credentials?: Credentials; missing: string[] } {
  const names = CREDENTIAL_ENV[vendor];
  const id = env[names.id];
  const secret = env[names.secret];
  const missing = [...(id ? [] : [names.id]), ...(secret ? [] : [names.secret])];
  if (!id || !secret) return { missing };
  const token = names.token ? env[names.token] : undefined;
  return { credentials: { id, secret, ...(token ? { token } : {}) }, missing };
}

/**
 * Why a credential value cannot be sent, or undefined: a line break or other control character (a key pasted
 * with its newline), or a character outside ASCII (a look-alike letter). Such a key can only fail every
 * request — or be refused by the HTTP client before sending — so the run would end in errors instead of
 * naming it. The reason never quotes the value.
 */
export function credentialProblem(value: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\r\n]/.test(value)) return 'contains a line break; set it to the key alone, on one line';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(value)) return 'contains a control character; set it to the key alone';
  if (/[^\x00-\x7f]/.test(value)) return 'contains a character outside ASCII; copy the key again from the console';
  return undefined;
}
