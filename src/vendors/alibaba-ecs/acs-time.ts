/**
 * Alibaba request times: V2 `Timestamp` and V3 `x-acs-date` are both ISO 8601 UTC without milliseconds,
 * `yyyy-MM-ddTHH:mm:ssZ` (../shared/reference/alibaba-ecs-and-zenlayer-zec.md §A1.1 common parameters, §A1.3
 * common headers).
 */

const ACS_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

/** Formats unix seconds as `2023-03-13T08:34:30Z`. */
export function formatAcsTime(unixSeconds: number): string {
  return new Date(Math.floor(unixSeconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Parses `yyyy-MM-ddTHH:mm:ssZ` into unix seconds; undefined for any other form (milliseconds, an offset,
 * a date that does not exist such as February 30).
 */
export function parseAcsTime(text: string): number | undefined {
  const match = ACS_TIME.exec(text);
  if (!match) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms) || formatAcsTime(ms / 1000) !== text) return undefined;
  return ms / 1000;
}
