import type { SourceRef, SourceRefs } from '../spec/spec-types.ts';
import type { VendorSpec } from '../spec/vendor-spec.ts';

const list = (refs: SourceRefs | undefined): SourceRef[] => (refs === undefined ? [] : Array.isArray(refs) ? refs : [refs]);

/** Each document section once, in the order first named. */
function distinct(refs: SourceRef[]): SourceRef[] {
  const seen = new Set<string>();
  return refs.filter((ref) => {
    const key = `${ref.doc}\u0000${ref.section}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The sources of the spec's common parameters whose names match. */
function commonParameterSources(spec: VendorSpec, name: RegExp): SourceRef[] {
  return spec.protocol.commonParameters.filter((p) => name.test(p.name)).flatMap((p) => list(p.source));
}

/**
 * Where the documents state a protocol rule that a refused request broke — the sections of the signing
 * method and the common parameters (`x-protocol`), not those of the operation the request named: a wrong
 * signature on DescribeDisks breaks the signing section, which the DescribeDisks page does not hold.
 *
 * - `signature`: the section of the signature the request carried (`signature`: its name or id in
 *   `x-protocol.signatures`), or of every documented signature when that is not known;
 * - `timestamp`: the clock-skew window's section and those of the timestamp, date and nonce parameters;
 * - `action`, `version`: the common parameter of that name, else the protocol's own sources.
 *
 * Undefined for any other rule: the parameter's or operation's source stays the right one.
 */
export function protocolRuleSource(spec: VendorSpec, rule: string, signature?: string): SourceRef[] | undefined {
  const protocol = spec.protocol;
  let refs: SourceRef[];
  switch (rule) {
    case 'signature': {
      const named = protocol.signatures.filter((s) => signature !== undefined && [s.name, s.id].some((n) => n?.toLowerCase() === signature.toLowerCase()));
      refs = (named.length > 0 ? named : protocol.signatures).flatMap((s) => list(s.source));
      break;
    }
    case 'timestamp':
      refs = [...list(protocol.clockSkewSeconds?.source), ...commonParameterSources(spec, /timestamp|date|nonce/i)];
      break;
    case 'action':
    case 'version':
      refs = commonParameterSources(spec, new RegExp(`^${rule}$`, 'i'));
      if (refs.length === 0) refs = list(protocol.source);
      break;
    default:
      return undefined;
  }
  return refs.length > 0 ? distinct(refs) : list(protocol.source);
}
