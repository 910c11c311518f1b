import type { VendorSpec } from '../spec/vendor-spec.ts';

/**
 * The placeholders the documents write into message templates: `<Name>` for the parameter at fault
 * (Alibaba's `The input parameter "<Name>" that is mandatory …`), other `<…>` for values the service fills
 * in (`<the server's StringToSign>`), and `%s`.
 */
const PLACEHOLDER = /<[^<>]+>|%s/g;
const PARAMETER_PLACEHOLDER = '<Name>';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `message` is `template` with its placeholders filled in some way (or `template` itself). */
function fits(message: string, template: string): boolean {
  const pattern = template.split(PLACEHOLDER).map(escape).join('[\\s\\S]*');
  return new RegExp(`^${pattern}$`).test(message);
}

const hasPlaceholders = (template: string) => template.match(PLACEHOLDER) !== null;

/**
 * The messages the documents give for `code`, the action's own entries first, then the service's common ones;
 * an action's message that only fills in a common template (`The input parameter "DiskId" …`, an instance of
 * `… "<Name>" …`) is an example of it, not a message of its own, and is left out: the template then serves
 * every parameter.
 */
export function documentedMessages(spec: VendorSpec, action: string | undefined, code: string): string[] {
  const own = action !== undefined && spec.hasAction(action) ? spec.action(action).errors : [];
  const all = [...own, ...spec.commonErrors].filter((e) => e.code === code && e.message !== undefined).map((e) => e.message!);
  const templates = all.filter(hasPlaceholders);
  return all.filter((message) => hasPlaceholders(message) || !templates.some((template) => fits(message, template)));
}

/**
 * The message a refusal travels with: the documents' message for its code, verbatim, with the parameter at
 * fault (its name on the wire) for `<Name>`. SDKs show the message to users as it is, so the emulator says what
 * the service is documented to say. The refusing code's own message stays where it already is the documented
 * one with its values filled in (a StringToSign, a parameter name the code knows), where the documents give
 * no message for the code, or where their template holds a value only the refusing code knows.
 */
export function documentedMessage(spec: VendorSpec, action: string | undefined, code: string, own: string, parameter?: string): string {
  const template = documentedMessages(spec, action, code)[0];
  if (template === undefined || fits(own, template)) return own;
  const filled = parameter === undefined ? template : template.split(PARAMETER_PLACEHOLDER).join(parameter);
  return hasPlaceholders(filled) ? own : filled;
}
