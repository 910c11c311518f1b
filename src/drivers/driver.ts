import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { TargetInfo } from '../conformance/target.ts';
import type { VendorId } from '../spec/spec-types.ts';
import type { VendorSpec } from '../spec/vendor-spec.ts';
import type { CallResult } from '../transport/call-result.ts';
import type { Params, VendorClient } from '../vendors/vendor-adapter.ts';

/**
 * A way to send the suite's canonical operations through an official SDK instead of snapconform's own client,
 * so that an SDK team can run the suite against the build it is about to release. One module per SDK in
 * this folder; `src/drivers/registry.ts` lists them.
 */
export interface SdkDriver {
  /** What `--driver` names: the SDK's npm package (and a variant, `:v2`). */
  id: string;
  /** The npm package the driver loads from the user's project. */
  packageName: string;
  /** The module of the package to load (a subpath, so that only the service's code loads). @defaultValue packageName */
  entry?: string;
  vendor: VendorId;
  /**
   * A client that sends through the SDK: `sdk` is the entry's exports; `load` requires another module as the
   * SDK package itself would (its own dependencies, such as Alibaba's `@alicloud/openapi-core`).
   */
  createClient(sdk: unknown, load: (id: string) => unknown, target: TargetInfo, spec: VendorSpec): DriverClient;
}

/** A client that sends through an SDK; it says which requests the SDK cannot express at all. */
export interface DriverClient extends VendorClient {
  /**
   * Why the SDK cannot send `params` for `action` as they are (an unknown parameter its typed request has no
   * field for, a value of another type than its field's), or undefined when it can. `about` (a dotted path)
   * narrows it to what a request is about: the SDK may drop what else it cannot carry. A rule skips such a
   * request under a driver.
   */
  cannotSend(action: string, params: Params, about?: string): string | undefined;
}

/** The driver's package cannot be found where the run looks for it. */
export class DriverNotFoundError extends Error {
  override readonly name = 'DriverNotFoundError';
}

/**
 * Loads a driver's SDK the way the user's project would: resolved from `from` (the current directory or
 * `--driver-path`), so that the build an SDK team is about to release is what runs, not a copy of ours.
 */
export function loadSdk(driver: SdkDriver, from: string): { sdk: unknown; load: (id: string) => unknown; version: string | undefined } {
  const project = createRequire(join(from, 'package.json'));
  const entry = locateSdk(driver, from);
  let version: string | undefined;
  try {
    version = (project(`${driver.packageName}/package.json`) as { version?: string }).version;
  } catch {
    version = undefined; // a package that does not export its package.json
  }
  // The SDK's own dependencies resolve from where the SDK is, as they would in the user's project.
  const sdkRequire = createRequire(entry);
  return { sdk: project(entry) as unknown, load: (id) => sdkRequire(id) as unknown, version };
}

/** Where the driver's SDK entry is, resolved from `from`; throws {@link DriverNotFoundError} when it is not there. */
export function locateSdk(driver: SdkDriver, from: string): string {
  try {
    return createRequire(join(from, 'package.json')).resolve(driver.entry ?? driver.packageName);
  } catch {
    throw new DriverNotFoundError(`${driver.packageName} is not installed in ${from}; run \`npm install ${driver.packageName}\` there, or pass --driver-path <a directory with node_modules/${driver.packageName}>`);
  }
}

/** The parts of a call through an SDK that become a {@link CallResult}. */
export interface SdkOutcome {
  action: string;
  params: Params;
  startedAt: number;
  status: number;
  requestId: string | undefined;
  data?: Record<string, unknown>;
  /** The answer's body as the spec's response schema describes it (the envelope), where the SDK gives it back. */
  body?: unknown;
  error?: { code: string; message: string };
  /** How the SDK handed it over (result or exception), for the transcript. */
  raw: unknown;
  driver: string;
  endpoint: string;
}

/**
 * A call's result as the suite's rules read it. The transcript is what the SDK was given and what it handed
 * back (the wire itself is the SDK's: the emulator's request log has its side, `GET /_snapconform/requests`).
 */
export function sdkResult(outcome: SdkOutcome): CallResult {
  const body = (() => {
    try {
      return JSON.stringify(outcome.raw, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value));
    } catch {
      return String(outcome.raw);
    }
  })();
  return {
    action: outcome.action,
    httpStatus: outcome.status,
    requestId: outcome.requestId,
    ok: outcome.error === undefined,
    data: outcome.data,
    error: outcome.error,
    body: outcome.body ?? outcome.data ?? outcome.raw,
    findings: [],
    transcript: {
      request: { method: 'SDK', url: `${outcome.endpoint} (${outcome.driver} ${outcome.action})`, headers: {}, body: JSON.stringify(outcome.params) },
      response: { status: outcome.status, headers: {}, body: body ?? '' },
    },
    durationMs: Date.now() - outcome.startedAt,
  };
}

/** `http://127.0.0.1:8080` → host `127.0.0.1:8080` and scheme `http`, as the SDKs take an endpoint. */
export function hostOf(endpoint: string): { host: string; scheme: 'http' | 'https' } {
  const url = new URL(endpoint);
  return { host: url.host, scheme: url.protocol === 'http:' ? 'http' : 'https' };
}
