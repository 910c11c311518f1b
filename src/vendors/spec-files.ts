import type { VendorId } from '../spec/spec-types.ts';

/** The spec file of every vendor, adapter or not. */
export const SPEC_FILES: Record<VendorId, string> = {
  'tencent-cbs': 'specs/tencent-cbs.yaml',
  'alibaba-ecs': 'specs/alibaba-ecs.yaml',
  'zenlayer-zec': 'specs/zenlayer-zec.yaml',
};
