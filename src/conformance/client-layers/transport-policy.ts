import type { VendorSpec } from '../../spec/vendor-spec.ts';
import { callWithPolicy } from '../../transport/call-policy.ts';
import type { RateLimiter } from '../../transport/rate-limiter.ts';
import type { VendorAdapter, VendorClient } from '../../vendors/vendor-adapter.ts';
import type { TargetInfo } from '../target.ts';
import type { Layer } from './layer.ts';

/** The requests per second for an action: the lower of the documented limit and the target file's. */
export function rateFor(info: TargetInfo, spec: VendorSpec, action: string): number | undefined {
  const configured = typeof info.rateLimit === 'number' ? info.rateLimit : info.rateLimit?.[action];
  // An embedded emulator is not paced unless the target file asks (the suite switches its limits off).
  const documented = info.emulator ? undefined : spec.action(action).rateLimit?.perSecond;
  const limits = [configured, documented].filter((n): n is number => n !== undefined);
  return limits.length > 0 ? Math.min(...limits) : undefined;
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
