import type { CallResult } from '../../transport/call-result.ts';
import type { Wire } from '../../spec/spec-types.ts';
import type { Params } from '../../vendors/vendor-adapter.ts';

/** What a rule may ask of one call beyond the action and its parameters. */
export interface CallOptions {
  /**
   * The rule sends this create while a snapshot of the same disk is in flight on purpose (the one-in-flight
   * rule): the create does not wait for the disk, and a refusal for a snapshot in flight is what it tests.
   */
  inFlightExpected?: boolean;
  /** The documented signature and answer format the call uses (src/conformance/wires.ts); the vendor's default when not given. */
  wire?: Wire;
}

/** One call through the client: the shape every layer takes and gives. */
export type Call = (action: string, params: Params, options?: CallOptions) => Promise<CallResult>;

/** One concern of the suite's client (guard, label, lease, ledger, …), wrapped around the next one. */
export type Layer = (next: Call) => Call;

/** The layers around `innermost`, the first listed outermost: a call passes them in the order given. */
export function compose(layers: Layer[], innermost: Call): Call {
  return layers.reduceRight<Call>((next, layer) => layer(next), innermost);
}
