import type { ContractRuleName } from '../spec/spec-types.ts';

/** Why the domain refused an operation: a contract rule of the spec, or a missing resource. */
export type DomainRefusal = ContractRuleName | 'snapshot-not-found' | 'group-not-found' | 'snapshot-busy';

/**
 * A refusal by the emulator's domain. It names the rule, not a vendor code: each front end looks the
 * rule up in its spec's `x-contract` to answer with that vendor's documented code and status.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(readonly rule: DomainRefusal, message: string) {
    super(message);
  }
}
