import type { Envelope, Protocol, Wire } from '../spec/spec-types.ts';

/**
 * The wires of a target: which documented signatures sign its requests and which documented answer formats
 * they ask for. A vendor whose documents give several (Alibaba: RPC V2 and ACS3, JSON and XML) has its
 * protocol and request rules run under each selected pair; the target file narrows the selection
 * (`signatures: [...]`, `formats: [...]`), the default is every pair the documents allow and the adapter's
 * client can send.
 */

/** What the wires are read from: the spec's `x-protocol` and `x-envelope` (typed, or as a target file reads them raw). */
export interface WireDocs {
  protocol: Pick<Protocol, 'signatures'>;
  envelope: Pick<Envelope, 'formats'>;
}

/** The id a signature is selected by: its `id`, else its wire name. */
const idOf = (signature: Protocol['signatures'][number]) => signature.id ?? signature.name;

/** The spec's default signature (the one marked `default`, else the first). */
function defaultSignature(docs: WireDocs): Protocol['signatures'][number] {
  const { signatures } = docs.protocol;
  return signatures.find((s) => s.default) ?? signatures[0]!;
}

/** The wire a call takes when it names none: the default signature, asking for its first format. */
export function defaultWire(docs: WireDocs): Wire {
  const signature = defaultSignature(docs);
  return { signature: idOf(signature), format: signature.formats?.[0] ?? 'json' };
}

/**
 * Every pair of a signature the client signs with (`signs`: ids; the default signature alone when not given)
 * and an answer format the documents allow under it, the default signature first, then in the spec's order.
 */
export function documentedWires(docs: WireDocs, signs: readonly string[] | undefined): Wire[] {
  const first = defaultSignature(docs);
  const signatures = [first, ...docs.protocol.signatures.filter((s) => s !== first)]
    .filter((s) => (signs ?? [idOf(first)]).includes(idOf(s)));
  return signatures.flatMap((s) => (s.formats ?? ['json']).map((format) => ({ signature: idOf(s), format })));
}

/** A target file's selection: the signatures and the formats it names (undefined: all of them). */
export interface WireChoice {
  signatures?: string[];
  formats?: string[];
}

/** The documented wires a selection keeps, in the documented order. */
export function selectWires(documented: readonly Wire[], choice: WireChoice): Wire[] {
  return documented.filter((w) => (choice.signatures ?? [w.signature]).includes(w.signature) && (choice.formats ?? [w.format]).includes(w.format));
}

/**
 * What is wrong with a selection, as `key: reason` for a one-line error; undefined when it is usable. A key is
 * for a vendor whose documents give (and whose client sends) more than one value; every value must be one of
 * those; the pairs left must not be empty (XML asked only under a signature that cannot ask for it).
 */
export function wireChoiceProblem(documented: readonly Wire[], choice: WireChoice, vendor: string): { key: keyof WireChoice; reason: string } | undefined {
  for (const key of ['signatures', 'formats'] as const) {
    const given = choice[key];
    if (given === undefined) continue;
    const allowed = [...new Set(documented.map((w) => (key === 'signatures' ? w.signature : w.format)))];
    if (allowed.length < 2) return { key, reason: `${vendor} has one ${key === 'signatures' ? 'signature' : 'answer format'} snapconform can use (${allowed.join(', ')}): the key is for a vendor whose documents give several` };
    if (!Array.isArray(given) || given.length === 0) return { key, reason: `must be a non-empty list of ${allowed.join(', ')}` };
    const unknown = given.find((value) => !allowed.includes(value));
    if (unknown !== undefined) return { key, reason: `unknown ${key === 'signatures' ? 'signature' : 'answer format'} '${String(unknown)}'; allowed: ${allowed.join(', ')}` };
  }
  if (selectWires(documented, choice).length === 0) {
    const pairs = documented.map((w) => `${w.signature}+${w.format}`).join(', ');
    return { key: choice.formats ? 'formats' : 'signatures', reason: `no documented pair of the selected signatures and formats (the documents allow ${pairs})` };
  }
  return undefined;
}

/** `rpc-v2+xml`: how a report names a wire. */
export function wireName(wire: Wire): string {
  return `${wire.signature}+${wire.format}`;
}

/**
 * A case id under a wire: as it is for the default wire (so reports and baselines of a run without choices
 * keep their ids), `<case>@rpc-v2+xml` under any other.
 */
export function wireCaseId(caseId: string, wire: Wire | undefined, docs: WireDocs): string {
  return isDefaultWire(wire, docs) ? caseId : `${caseId}@${wireName(wire!)}`;
}

/** Whether a call on `wire` travels as one that names none (undefined: the SDK's or the client's default). */
export function isDefaultWire(wire: Wire | undefined, docs: WireDocs): boolean {
  if (!wire) return true;
  const standard = defaultWire(docs);
  return wire.signature === standard.signature && wire.format === standard.format;
}

/**
 * The wire of the `index`-th of many cases spread over the wires (the generated invalid requests): each case
 * runs once, under one wire, by its index, so a run's choice of wires does not multiply them.
 */
export function spreadWire<T>(wires: readonly T[], index: number): T {
  return wires[index % wires.length]!;
}
