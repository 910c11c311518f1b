import type { VendorId } from '../spec/spec-types.ts';
import type { VendorAdapter } from './vendor-adapter.ts';
import { alibabaEcs } from './alibaba-ecs/adapter.ts';
import { tencentCbs } from './tencent-cbs/adapter.ts';
import { zenlayerZec } from './zenlayer-zec/adapter.ts';

/**
 * The vendors the suite can talk to. A vendor with a spec but no adapter yet makes every rule skip with that
 * reason; an adapter without an emulator serves real endpoints only.
 */
const ADAPTERS: Partial<Record<VendorId, VendorAdapter>> = {
  'tencent-cbs': tencentCbs,
  'alibaba-ecs': alibabaEcs,
  'zenlayer-zec': zenlayerZec,
};

/** The adapter of a vendor, or undefined when snapconform cannot speak its protocol yet. */
export function adapterFor(vendor: VendorId): VendorAdapter | undefined {
  return ADAPTERS[vendor];
}

export { SPEC_FILES } from './spec-files.ts';
