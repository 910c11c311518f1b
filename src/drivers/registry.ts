import { alicloudEcs, alicloudEcsV2 } from './alicloud-ecs20140526.ts';
import type { SdkDriver } from './driver.ts';
import { tencentcloudSdkNodejs } from './tencentcloud-sdk-nodejs.ts';

/** The SDK drivers `--driver` accepts. Another SDK is one module in this folder and one line here. */
export const DRIVERS: Record<string, SdkDriver> = Object.fromEntries([tencentcloudSdkNodejs, alicloudEcs, alicloudEcsV2].map((d) => [d.id, d]));

/** The driver of an id, or undefined. */
export function driverFor(id: string): SdkDriver | undefined {
  return DRIVERS[id];
}
