import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { CallResult } from './call-result.ts';

/** One recorded exchange: what was sent and received, when, and how long it took (secrets already removed). */
export interface ExchangeRecord {
  target: string;
  action: string;
  startedAt: string;
  durationMs: number;
  attempts: number;
  reconciled: boolean;
  request: CallResult['transcript']['request'];
  response: CallResult['transcript']['response'];
}

/**
 * Appends every exchange of a worker to an NDJSON file, asynchronously (a stream, not a write per call),
 * for reports and replay. The reporter gathers the workers' files into the run's report folder.
 */
export class ExchangeLog {
  private readonly stream: WriteStream;

  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.stream = createWriteStream(file, { flags: 'a' });
  }

  /** Queues one redacted exchange. */
  append(record: ExchangeRecord): void {
    this.stream.write(JSON.stringify(record) + '\n');
  }

  /** Flushes and closes the file. */
  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }
}
