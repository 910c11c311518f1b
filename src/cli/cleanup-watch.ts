/**
 * What the run's cleanup left on real targets. The global setup's teardown (src/conformance/global-setup.ts)
 * deletes what the run created and, when something remains, writes to stderr
 * `snapconform: <target>: <n> created resources remain; run \`snapconform sweep --target …\``.
 * That line is its only signal, so the CLI watches its own stderr for it (the teardown runs in the CLI's
 * process) while the line still reaches the user.
 */
const REMAIN = /snapconform: (.+?): (\d+) created resources remain;/g;

/** Watches `stream` until `stop()`; `remaining` lists `<target>: <n> created resources remain` per line seen. */
export function watchCleanup(stream: NodeJS.WriteStream = process.stderr): { remaining: string[]; stop(): void } {
  const remaining: string[] = [];
  const original = stream.write;
  stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
    for (const match of text.matchAll(REMAIN)) remaining.push(`${match[1]}: ${match[2]} created resources remain`);
    return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof stream.write;
  return { remaining, stop: () => void (stream.write = original) };
}
