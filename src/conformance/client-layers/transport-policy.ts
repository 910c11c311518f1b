import type { VendorSpec } from '../../spec/vendor-spec.ts';
import { callWithPolicy } from '../../transport/call-policy.ts';
import type { RateLimiter } from '../../transport/rate-limiter.ts';
import type { VendorAdapter, VendorClient } from '../../vendors/vendor-adapter.ts';
import type { TargetInfo } from '../target.ts';
import type { Layer } from './layer.ts';
import { RUN_ENV } from '../run-env.ts';

/**
 * The requests per second for an action: the lower of the documented limit and the target file's, divided
 * among the shards that share the account (`share`: `--shard i/n` runs pace at 1/n unless `--rate-share` says
 * otherwise; RUN_ENV.rateShare).
 */
export function rateFor(info: Pick<TargetInfo, 'rateLimit' | 'emulator'>, spec: VendorSpec, action: string, share = rateShare()): number | undefined {
  const configured = typeof info.rateLimit === 'number' ? info.rateLimit : info.rateLimit?.[action];
  // An embedded emulator is not paced unless the target file asks (the suite switches its limits off).
  const documented = info.emulator ? undefined : spec.action(action).rateLimit?.perSecond;
  const limits = [configured, documented].filter((n): n is number => n !== undefined);
  return limits.length > 0 ? Math.min(...limits) / share : undefined;
}

/** How many runs share each target's rate budget (RUN_ENV.rateShare), at least 1. */
export function rateShare(env: NodeJS.ProcessEnv = process.env): number {
  const share = Number(env[RUN_ENV.rateShare] ?? '1');
  return Number.isFinite(share) && share >= 1 ? share : 1;
}

/**
 * Paces each call per target and action, retries on throttling and connection failures (a bounded number of
 * times), and never resends a create without an idempotency token after a connection failure: the adapter
 * reconciles it instead (a describe by disk and name), through `raw` so that the reconciling describe is not
 * itself paced into the create's slot.
 */
export function transportPolicy(info: TargetInfo, spec: VendorSpec, adapter: VendorAdapter, raw: VendorClient, limiter: RateLimiter): Layer {
  const idempotency = spec.contract.idempotency;
  return (next) => async (action, params, options) => {
    const canonical = spec.action(action).canonical;
    const creates = canonical === 'createSnapshot' || canonical === 'createSnapshotGroup';
    const tokened = idempotency?.action === action && params[idempotency.parameter] !== undefined;
    const startedAt = Date.now();
    return callWithPolicy({
      key: `${info.name}/${action}`,
      perSecond: rateFor(info, spec, action),
      send: () => next(action, params, options),
      unsafeToRepeat: creates && !tokened,
      reconcile: adapter.reconcileCreate ? () => adapter.reconcileCreate!(raw, action, params, startedAt) : undefined,
    }, limiter);
  };
}
