import type { VendorSpec } from '../../spec/vendor-spec.ts';
import { mutationsAllowed, type TargetInfo } from '../target.ts';
import type { Layer } from './layer.ts';

/** Canonical operations that change resources: refused on a target without `allowMutations`. */
export const MUTATING: ReadonlySet<string> = new Set(['createSnapshot', 'createSnapshotGroup', 'deleteSnapshots', 'deleteSnapshotGroup']);

/** A rule tried to change resources on a target that does not allow it; nothing was sent. */
export class MutationsNotAllowedError extends Error {
  override readonly name = 'MutationsNotAllowedError';
}

/**
 * Refuses a change to resources before it is sent when the target does not allow mutations: a safety net
 * behind the rules, which skip first (`session.readOnly`).
 */
export function mutationGuard(info: TargetInfo, spec: VendorSpec): Layer {
  return (next) => async (action, params, options) => {
    if (MUTATING.has(spec.action(action).canonical) && !mutationsAllowed(info)) {
      throw new MutationsNotAllowedError(`${info.name}: ${action} would change resources, and this target does not allow mutations (allowMutations: false; --allow-mutations overrides)`);
    }
    return next(action, params, options);
  };
}
