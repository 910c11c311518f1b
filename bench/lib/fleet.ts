import { HttpTransport } from '../../src/transport/http-transport.ts';
import { startServer, type BenchServer } from './servers.ts';
import { accepted, principalOf, seedEmulator, targetAt, type VendorUnderTest } from './workload.ts';

/** One vendor's servers for figures 1, 2 and 4: its emulator (seeded, limits off) and a bare server. */
export interface VendorServers {
  emulator: BenchServer;
  /** Disks added for the benchmark, one per concurrent worker. */
  disks: string[];
  /** A bare `node:http` server answering the emulator's own CreateSnapshot answer, always. */
  bare: BenchServer;
}

/**
 * The servers of figures 1, 2 and 4, started together (in parallel, which on two cores saves seconds over
 * one after another) and shared by those figures.
 */
export class ServerFleet {
  private readonly servers = new Map<string, VendorServers>();

  private constructor() {}

  /** Starts and seeds an emulator and a bare server for each vendor. */
  static async start(subjects: VendorUnderTest[], options: { disks: number; profileDir?: string }): Promise<ServerFleet> {
    const fleet = new ServerFleet();
    const profile = { cpuProfileDir: options.profileDir };
    const started = await Promise.all(subjects.map(async (subject) => {
      const [emulator, bare] = await Promise.all([
        startServer({ kind: 'emulator', vendor: subject.vendor, principal: principalOf(subject) }, profile),
        startServer({ kind: 'bare', body: '{}' }),
      ]);
      return { subject, emulator, bare };
    }));
    for (const { subject, emulator, bare } of started) {
      const disks = await seedEmulator(subject, emulator.url, options.disks, false);
      await bare.setBody(await createAnswer(subject, emulator.url, disks[0]!));
      fleet.servers.set(subject.vendor, { emulator, disks, bare });
    }
    return fleet;
  }

  /** The servers of a vendor the fleet was started with. */
  of(subject: VendorUnderTest): VendorServers {
    const servers = this.servers.get(subject.vendor);
    if (!servers) throw new Error(`no servers for ${subject.vendor}`);
    return servers;
  }

  /** Stops every server (profiles are written as they exit). */
  async stop(): Promise<void> {
    await Promise.all([...this.servers.values()].flatMap((s) => [s.emulator.stop(), s.bare.stop()]));
    this.servers.clear();
  }
}

/** The emulator's answer to one CreateSnapshot (the snapshot is deleted again): the bare server's body. */
async function createAnswer(subject: VendorUnderTest, url: string, disk: string): Promise<string> {
  const transport = new HttpTransport({ connections: 1 });
  try {
    const client = subject.adapter.createClient(targetAt(subject, url), subject.spec, transport);
    const { createSnapshot, deleteSnapshot } = subject.canonical;
    const created = accepted(await client.call(subject.actions.create, createSnapshot.params({ diskId: disk, name: 'bench-sample' })));
    accepted(await client.call(subject.actions.delete, deleteSnapshot.params(createSnapshot.snapshotId(created)!, subject.region)));
    return created.transcript.response.body;
  } finally {
    await transport.close();
  }
}
