/**
 * How a run marks what it creates, so that a person (or `snapconform sweep`) can tell the suite's resources
 * from anyone else's on a real account: a name prefix unique to the run, and a tag carrying the run's id.
 * A snapshot the rule leaves unnamed on purpose (the documented default name) carries the tag only; on a
 * vendor whose create takes no tags (Zenlayer), the name carries the mark.
 */
export interface RunLabel {
  /** `snapconform-<6 characters of the run id>-`, put before every name a rule chooses. */
  prefix: string;
  /** `snapconform-run: <run id>`, added to every create that takes tags. */
  tag: { key: string; value: string };
}

/** The tag key every run writes. */
export const RUN_TAG_KEY = 'snapconform-run';

/** The label of a run; a run without an id (a bare vitest run) is labelled `local`. */
export function runLabel(runId: string | undefined): RunLabel {
  const id = runId ?? 'local';
  const short = id.replace(/[^A-Za-z0-9]/g, '').slice(-6) || 'local';
  return { prefix: `snapconform-${short}-`, tag: { key: RUN_TAG_KEY, value: id } };
}

/** Whether a described resource carries the run's mark: its name prefix or its tag. */
export function carriesLabel(resource: { name?: string; tags?: Array<{ key: string; value: string }> }, label: RunLabel): boolean {
  return (resource.name ?? '').startsWith(label.prefix) || (resource.tags ?? []).some((t) => t.key === label.tag.key && t.value === label.tag.value);
}
