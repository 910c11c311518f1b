import type { VendorSpec } from '../../spec/vendor-spec.ts';
import type { Params, VendorAdapter } from '../../vendors/vendor-adapter.ts';
import { runLabel, type RunLabel } from '../run-label.ts';
import type { TargetInfo } from '../target.ts';
import type { Layer } from './layer.ts';

/** A create that cannot carry the run's label was about to go to a real endpoint; nothing was sent. */
export class UnlabelledCreateError extends Error {
  override readonly name = 'UnlabelledCreateError';
}

/** The create binding of an action (snapshot or group), when the action is a create. */
function createBinding(adapter: VendorAdapter, spec: VendorSpec, action: string) {
  const canonical = spec.action(action).canonical;
  if (canonical === 'createSnapshot') return { group: false, binding: adapter.canonical.createSnapshot };
  if (canonical === 'createSnapshotGroup') return { group: true, binding: adapter.canonical.createSnapshotGroup };
  return undefined;
}

/**
 * The parameters of a create with the run's label added, or why the create cannot carry it. The run's tag
 * goes beside whatever tags the case names (a case about tags keeps its own); a group the case leaves
 * unnamed gets a name with the run's prefix (the documents give groups no default name). A snapshot's name
 * is added only where the tag cannot be (an unnamed create is how the documented default name is tested; the
 * tag marks it). A create that takes no tags is labelled by its name alone (Zenlayer), so its name must carry the prefix.
 * A case whose tag list is not a list, or is already full, cannot take the tag without becoming another case.
 */
export function labelled(adapter: VendorAdapter, spec: VendorSpec, action: string, params: Params, label: RunLabel): { params: Params } | { problem: string } {
  const create = createBinding(adapter, spec, action);
  if (!create?.binding) return { params };
  const { binding, group } = create;
  const out: Params = { ...params };
  let tagged = false;
  if (binding.tagsParameter) {
    const tags = out[binding.tagsParameter];
    const runTag = { Key: label.tag.key, Value: label.tag.value };
    const properties = (spec.action(action).resolvedRequestSchema['properties'] ?? {}) as Record<string, { maxItems?: number }>;
    const maxItems = properties[binding.tagsParameter]?.maxItems ?? Number.POSITIVE_INFINITY;
    if (tags === undefined) {
      out[binding.tagsParameter] = [runTag];
      tagged = true;
    } else if (Array.isArray(tags)) {
      const has = tags.some((t) => t !== null && typeof t === 'object' && !Array.isArray(t) && (t as Params)['Key'] === runTag.Key && (t as Params)['Value'] === runTag.Value);
      if (has) tagged = true;
      else if (tags.length + 1 <= maxItems || tags.length > maxItems) {
        // A list already past maxItems stays past it: the case still breaks exactly the keyword it tests.
        out[binding.tagsParameter] = [...tags, runTag];
        tagged = true;
      }
    }
  }
  if (group && out[binding.nameParameter] === undefined) out[binding.nameParameter] = `${label.prefix}group`;
  // A case whose tags cannot take the run's tag (a type case sends Tags as text) is named instead: a valid,
  // prefixed name breaks no other constraint, and the case is not one about the default name.
  // Only where the documents make the name optional: a required name left out is the case itself.
  const required = ((spec.action(action).resolvedRequestSchema['required'] as string[] | undefined) ?? []).includes(binding.nameParameter);
  if (!tagged && out[binding.nameParameter] === undefined && binding.tagsParameter && !required) out[binding.nameParameter] = `${label.prefix}case`;
  const name = out[binding.nameParameter];
  if (tagged || (typeof name === 'string' && name.startsWith(label.prefix))) return { params: out };
  return {
    problem: binding.tagsParameter
      ? `the case's ${binding.tagsParameter} cannot take the run's tag (not a list, or already at its documented maximum) and its name lacks the run's prefix ${label.prefix}`
      : `${action} takes no tags and the case's ${binding.nameParameter} lacks the run's prefix ${label.prefix}`,
  };
}

/**
 * A valid request of an adapter (`validRequest`) with the name it gives a create carrying the run's prefix: on a
 * vendor whose create takes no tags (Zenlayer) the name is the only label by which the run finds and deletes
 * what it made, and a generated case keeps the base request's name unless the name is what it breaks.
 */
export function withRunName(adapter: VendorAdapter, spec: VendorSpec, action: string, params: Params, label: RunLabel): Params {
  const binding = createBinding(adapter, spec, action)?.binding;
  const name = binding ? params[binding.nameParameter] : undefined;
  if (!binding || typeof name !== 'string' || name.startsWith(label.prefix)) return params;
  return { ...params, [binding.nameParameter]: `${label.prefix}${name.replace(/^snapconform-/, '')}` };
}

/**
 * Marks every create with the run's label (src/conformance/run-label.ts), whichever rule sent it, so that
 * what the run creates can be told apart on a real account and swept. A create that cannot carry the label
 * is refused before it is sent to anything but an embedded emulator (whose world ends with the run): rules
 * skip such cases first (`session.unlabelled`); this is the safety net.
 */
export function runLabelLayer(info: TargetInfo, spec: VendorSpec, adapter: VendorAdapter): Layer {
  const label = runLabel(info.runId);
  return (next) => async (action, params, options) => {
    const result = labelled(adapter, spec, action, params, label);
    if ('params' in result) return next(action, result.params, options);
    if (info.emulator) return next(action, params, options);
    throw new UnlabelledCreateError(`${info.name}: ${action} not sent: ${result.problem}, so nothing could tell it apart from resources that are not the run's`);
  };
}
