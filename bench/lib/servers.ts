import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { VendorId } from '../../src/spec/spec-types.ts';
import { adminPost } from '../../src/emulator/admin-client.ts';

/** What bench/server.ts is asked to serve. */
export type ServerRequest =
  | { kind: 'emulator'; vendor: VendorId; principal: { id: string; secret: string; account: string }; deviations?: string[] }
  | { kind: 'bare'; body: string };

/** A server process of the benchmark. */
export interface BenchServer {
  url: string;
  pid: number;
  /** Replaces the fixed body of a bare server. */
  setBody(body: string): Promise<void>;
  /** Disconnects the child, which closes its server and exits (writing its CPU profile if asked to). */
  stop(): Promise<void>;
}

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** Directory for a `--cpu-prof` profile of the server process; none when undefined. */
  cpuProfileDir?: string;
}

const SERVER = fileURLToPath(new URL('../server.ts', import.meta.url));

/** Starts bench/server.ts in a child process and waits for its URL. */
export function startServer(request: ServerRequest, options: StartServerOptions = {}): Promise<BenchServer> {
  const profile = options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir] : [];
  const child: ChildProcess = fork(SERVER, [JSON.stringify(request)], { execArgv: ['--import', 'tsx', ...profile], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code} before listening`)));
    child.once('message', (message) => {
      child.removeAllListeners('exit');
      const { url } = message as { url: string };
      resolve({
        url,
        pid: child.pid!,
        setBody: (body) => new Promise<void>((done, fail) => child.send({ body }, (error) => (error ? fail(error) : done()))),
        stop: () => new Promise<void>((done) => {
          if (child.exitCode !== null) return done();
          child.once('exit', () => done());
          child.disconnect();
        }),
      });
    });
  });
}

/** Sends one admin API request (`/_snapconform/<path>`) to an emulator. */
export async function admin(url: string, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${url}/_snapconform/${path}`, adminPost(body));
  if (!response.ok) throw new Error(`admin ${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}
