import { randomUUID } from 'node:crypto';
import type { VendorSpec } from '../../spec/vendor-spec.ts';
import type { Layer } from './layer.ts';

/**
 * Gives a create the vendor's idempotency token (Alibaba `ClientToken`) when the rule gave none, so that the
 * transport may retry it safely after a connection failure.
 */
export function idempotencyToken(spec: VendorSpec): Layer {
  const idempotency = spec.contract.idempotency;
  return (next) => (action, params, options) =>
    next(action, idempotency?.action === action && params[idempotency.parameter] === undefined ? { ...params, [idempotency.parameter]: randomUUID() } : params, options);
}
