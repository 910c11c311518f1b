import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Resident memory of a process tree at one moment. */
export interface TreeSample {
  /**
   * Sum of the proportional set sizes (PSS: each shared page split among the processes that map it) of the
   * root and all its descendants, bytes: what the tree holds in memory. 0 where /proc has no smaps_rollup.
   */
  totalPss: number;
  /** Sum of their resident set sizes, bytes: shared pages (the node binary, libraries) count once per process. */
  totalRss: number;
  /** The largest single process, bytes (what `/usr/bin/time -v` would report at best). */
  largestRss: number;
  processes: number;
}

const PAGE = 4096;

function parentOf(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function rssOf(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE;
  } catch {
    return 0;
  }
}

function pssOf(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * The resident memory of `root` and every process below it (vitest's forks, esbuild), read from /proc
 * (Linux only): PSS and RSS summed over the tree, and the largest single RSS.
 */
export function sampleTree(root: number): TreeSample {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const parent = parentOf(pid);
    if (parent === undefined) continue;
    const list = children.get(parent) ?? [];
    list.push(pid);
    children.set(parent, list);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  const sizes = tree.map(rssOf);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  return { totalPss: sum(tree.map(pssOf)), totalRss: sum(sizes), largestRss: Math.max(0, ...sizes), processes: sizes.filter((s) => s > 0).length };
}

/** A command's wall time and the peak memory of its process tree. */
export interface MeasuredCommand {
  exitCode: number | null;
  wallMs: number;
  /** Peak of the tree's summed PSS over the samples, bytes. */
  peakTreePss: number;
  /** Peak of the tree's summed RSS over the samples, bytes. */
  peakTreeRss: number;
  /** Peak RSS of any single process of the tree, bytes. */
  peakProcessRss: number;
  /** Most processes seen in the tree at once. */
  peakProcesses: number;
  samples: number;
  /** The last lines of stdout and stderr, for diagnosing a failed run. */
  outputTail: string;
}

/** Runs a command, sampling its process tree's memory every `intervalMs` (default 100) until it exits. */
export function measureCommand(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; intervalMs?: number }): Promise<MeasuredCommand> {
  const started = performance.now();
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let peak: TreeSample = { totalPss: 0, totalRss: 0, largestRss: 0, processes: 0 };
  let peakProcesses = 0;
  let samples = 0;
  const sample = () => {
    if (child.pid === undefined || child.exitCode !== null) return;
    const now = sampleTree(child.pid);
    samples += 1;
    peak = {
      totalPss: Math.max(peak.totalPss, now.totalPss), totalRss: Math.max(peak.totalRss, now.totalRss),
      largestRss: Math.max(peak.largestRss, now.largestRss), processes: 0,
    };
    peakProcesses = Math.max(peakProcesses, now.processes);
  };
  const timer = setInterval(sample, options.intervalMs ?? 100);
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    child.once('close', (exitCode) => {
      clearInterval(timer);
      resolve({
        exitCode, wallMs: performance.now() - started, peakTreePss: peak.totalPss, peakTreeRss: peak.totalRss, peakProcessRss: peak.largestRss, peakProcesses, samples,
        outputTail: output.split('\n').slice(-15).join('\n'),
      });
    });
  });
}
