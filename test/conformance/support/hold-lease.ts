// Takes a disk lease, writes one entry to its register and exits without releasing it: a worker that died.
import { DiskLeases } from '../../../src/conformance/disk-leases.ts';

const [dir, target, disk] = process.argv.slice(2) as [string, string, string];
const lease = await new DiskLeases(dir).acquire(target, [disk], 5000);
lease.write(disk, [{ id: 'from-child', kind: 'snapshot', since: 2 }]);
process.exit(0);
