/**
 * A server for the benchmark, in its own process so that the client's event loop and the server's do not
 * share one thread: either a vendor's emulator (exactly as `snapconform emulate` and the suite build it) or a
 * bare `node:http` server answering one fixed body (the baseline). Started by bench/lib/servers.ts with
 * `fork`; it reports its URL over IPC and exits cleanly when the parent disconnects, so `--cpu-prof` profiles
 * are written.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Deviations } from '../src/emulator/deviations/catalogue.ts';
import { loadSpec } from '../src/spec/load-spec.ts';
import { adapterFor } from '../src/vendors/registry.ts';
import type { ServerRequest } from './lib/servers.ts';

async function startBare(initial: string): Promise<{ url: string; close(): Promise<void> }> {
  let body = initial;
  // The body can be replaced over IPC, so that the bare server can start before the emulator whose answer it
  // will serve.
  process.on('message', (message) => {
    if (typeof (message as { body?: unknown }).body === 'string') body = (message as { body: string }).body;
  });
  const server = createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '{}') as ServerRequest;
  let running: { url: string; close(): Promise<void> };
  if (request.kind === 'bare') {
    running = await startBare(request.body);
  } else {
    const adapter = adapterFor(request.vendor);
    if (!adapter?.emulator) throw new Error(`no emulator for ${request.vendor}`);
    running = await adapter.emulator.start(loadSpec(adapter.specFile), request.principal, new Deviations(request.deviations ?? []));
  }
  process.on('disconnect', () => {
    void running.close().then(() => process.exit(0));
  });
  process.send!({ url: running.url });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench server: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(3);
});
