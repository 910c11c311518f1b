/**
 * Summarizes a V8 `.cpuprofile` (from `node --cpu-prof`, or `npm run bench -- --cpu-prof`): the functions with
 * the most self time, and the project files with the most total time (self time of everything they call is
 * charged to the outermost project frame), so that waste in the hot paths stands out without a GUI.
 *
 *   node --import tsx bench/profile-summary.ts <file.cpuprofile> [--top 25] [--callers <function name>]
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ROOT } from './lib/paths.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self and inclusive time per function, ms. */
export interface FunctionTime {
  name: string;
  location: string;
  selfMs: number;
}

function location(url: string, line: number): string {
  if (!url) return '(native)';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const shown = path.startsWith(ROOT) ? relative(ROOT, path) : path;
  return `${shown.replace(/^.*node_modules\//, 'node_modules/')}:${line + 1}`;
}

/** Self time per function (summed over call sites), most first. */
export function selfTimes(profile: Profile): FunctionTime[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const totals = new Map<string, FunctionTime>();
  for (const [id, ms] of self) {
    const { callFrame } = byId.get(id)!;
    const where = location(callFrame.url, callFrame.lineNumber);
    const key = `${callFrame.functionName}@${where}`;
    const entry = totals.get(key) ?? { name: callFrame.functionName || '(anonymous)', location: where, selfMs: 0 };
    entry.selfMs += ms;
    totals.set(key, entry);
  }
  return [...totals.values()].sort((a, b) => b.selfMs - a.selfMs);
}

/**
 * Time per project source file, inclusive: each sample is charged to the innermost frame that lies in the
 * project (outside node_modules), so library time lands on the project code that called it.
 */
export function projectFileTimes(profile: Profile): Array<{ file: string; ms: number }> {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const inProject = (url: string) => url.startsWith('file://') && fileURLToPath(url).startsWith(ROOT) && !url.includes('/node_modules/');
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    let at: number | undefined = id;
    while (at !== undefined && !inProject(byId.get(at)!.callFrame.url)) at = parent.get(at);
    const file = at === undefined ? '(outside the project: idle, GC, node internals)' : relative(ROOT, fileURLToPath(byId.get(at)!.callFrame.url));
    totals.set(file, (totals.get(file) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals.entries()].map(([file, ms]) => ({ file, ms })).sort((a, b) => b.ms - a.ms);
}

/** Who calls the functions named `name`, by the self time spent in them under each caller. */
export function callersOf(profile: Profile, name: string): Array<{ caller: string; ms: number }> {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    if (byId.get(id)!.callFrame.functionName !== name) return;
    const up = parent.get(id);
    const frame = up === undefined ? undefined : byId.get(up)!.callFrame;
    const caller = frame ? `${frame.functionName || '(anonymous)'}  ${location(frame.url, frame.lineNumber)}` : '(root)';
    totals.set(caller, (totals.get(caller) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals.entries()].map(([caller, ms]) => ({ caller, ms })).sort((a, b) => b.ms - a.ms);
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' }, callers: { type: 'string' } } });
  const file = positionals[0];
  if (!file) {
    process.stderr.write('usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [--top N]\n');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const top = Number(values.top);
  if (values.callers !== undefined) {
    const lines = callersOf(profile, values.callers).slice(0, top).map((c) => `${c.ms.toFixed(1).padStart(9)} ms  ${c.caller}`);
    process.stdout.write(`callers of ${values.callers}:\n${lines.join('\n')}\n`);
    return;
  }
  const total = profile.timeDeltas.reduce((a, b) => a + b, 0) / 1000;
  const lines = [`${file}: ${total.toFixed(0)} ms sampled`, '', 'self time, by function:'];
  for (const f of selfTimes(profile).slice(0, top)) lines.push(`${f.selfMs.toFixed(1).padStart(9)} ms  ${(100 * f.selfMs / total).toFixed(1).padStart(5)} %  ${f.name}  ${f.location}`);
  lines.push('', 'inclusive time, by the innermost project file:');
  for (const f of projectFileTimes(profile).slice(0, top)) lines.push(`${f.ms.toFixed(1).padStart(9)} ms  ${(100 * f.ms / total).toFixed(1).padStart(5)} %  ${f.file}`);
  // One write: piped into `head`, the rest would meet a closed pipe.
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) main();
