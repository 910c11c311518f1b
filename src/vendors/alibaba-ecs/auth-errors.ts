/**
 * The gateway errors Alibaba's signature checks answer with, and the verdict both verifiers return. Codes,
 * statuses and messages are those of `specs/alibaba-ecs.yaml` x-common-errors (../shared/reference/
 * alibaba-ecs-and-zenlayer-zec.md §A2); test/vendors/alibaba-ecs/codec.test.ts ("auth-errors.ts agrees with the spec") keeps the two in step.
 */

import type { MemoryNonceStore, NonceStore } from './nonce-store.ts';

/** A signature-check error: the vendor's code, its HTTP status and the message template. */
export interface AuthErrorEntry {
  status: number;
  message: string;
}

/** The x-common-errors entries the verifiers use, by code. */
export const AUTH_ERRORS = {
  /** §A2: observed only; the message carries the server's StringToSign. */
  SignatureDoesNotMatch: { status: 400, message: 'Specified signature is not matched with our calculation. server string to sign is:' },
  IncompleteSignature: { status: 400, message: 'The request signature does not conform to Aliyun standards.' },
  /** §A2: 404 observed; the old doc table says 400. */
  'InvalidAccessKeyId.NotFound': { status: 404, message: 'Specified access key is not found.' },
  'InvalidTimeStamp.Expired': { status: 400, message: 'Specified time stamp or date value is expired.' },
  IllegalTimestamp: { status: 400, message: 'The input parameter "Timestamp" that is mandatory for processing this request is not supplied.' },
  SignatureNonceUsed: { status: 400, message: 'Specified signature nonce was used already.' },
  MissingParameter: { status: 400, message: 'The input parameter "<Name>" that is mandatory for processing this request is not supplied.' },
  /** §A2: the code really is misspelt "Paramater" for a bad SignatureMethod / SignatureVersion. */
  InvalidParamater: { status: 400, message: 'The specified parameter "SignatureMethod"/"SignatureVersion" is not valid.' },
  UnsupportedHTTPMethod: { status: 403, message: 'This HTTP method is not supported.' },
} as const satisfies Record<string, AuthErrorEntry>;

/** A code the verifiers can answer with. */
export type AuthErrorCode = keyof typeof AUTH_ERRORS;

/** A refused request: the vendor's code, HTTP status and message. */
export interface AuthFailure {
  ok: false;
  code: AuthErrorCode;
  status: number;
  message: string;
}

/** An accepted request. */
export interface AuthSuccess {
  ok: true;
  accessKeyId: string;
  /**
   * The decoded business parameters, flat as on the wire (`Tag.1.Key`), from the query and a form body;
   * Signature and the other common parameters removed. See `decodeParams` in codec.ts for structure.
   */
  params: Record<string, string>;
  /** `Action` (V2) or `x-acs-action` (V3); undefined when the request carried none. */
  action: string | undefined;
  /** `Version` (V2) or `x-acs-version` (V3). */
  version: string | undefined;
  /** V2 `Format` as sent (`JSON`, `json`, `XML`); undefined under V3 and when absent (the default is XML, §A1.1). */
  format: string | undefined;
  /** The STS token (`SecurityToken` or `x-acs-security-token`), when one was sent. */
  securityToken: string | undefined;
  /** Which signature the request carried. */
  scheme: 'HMAC-SHA1' | 'ACS3-HMAC-SHA256';
}

/** The outcome of verifying one request. */
export type AlibabaVerdict = AuthSuccess | AuthFailure;

/**
 * Builds a refusal. `detail` replaces `<Name>` in MissingParameter's message, and is appended after
 * SignatureDoesNotMatch's `server string to sign is:` (the StringToSign, as the service does) or after the
 * other messages.
 */
export function authFailure(code: AuthErrorCode, detail?: string): AuthFailure {
  const { status, message } = AUTH_ERRORS[code];
  let text: string = message;
  if (code === 'MissingParameter') text = message.replace('<Name>', detail ?? '');
  else if (code === 'SignatureDoesNotMatch') text = message + (detail ?? '');
  else if (detail) text = `${message} ${detail}`;
  return { ok: false, code, status, message: text };
}

/** What both verifiers need to know about the service. */
export interface VerifyOptions {
  /** The AccessKey secret of an AccessKey ID, or undefined when the key does not exist. */
  secretOf(accessKeyId: string): string | undefined;
  /** Now, in unix seconds. */
  now: number;
  /**
   * Allowed |now − request time| in seconds. @defaultValue 900, `x-protocol.clockSkewSeconds` of the spec
   * (§A1.5: the sources disagree between 15 and 31 minutes).
   */
  skewSeconds?: number;
  /** Remembers (AccessKeyId, nonce) pairs against replay (§A1.5); {@link MemoryNonceStore} is the simple one. */
  nonces: NonceStore;
}

/** `x-protocol.clockSkewSeconds` of specs/alibaba-ecs.yaml. */
export const DEFAULT_SKEW_SECONDS = 900;
