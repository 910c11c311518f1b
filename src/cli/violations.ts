import { appendFileSync, writeFileSync } from 'node:fs';
import type { LoggedRequest, RequestLog } from '../emulator/request-log.ts';

/** One line of `--violations`: a request that broke the documents, and where they say so. */
export interface ViolationLine {
  at: string;
  vendor: string;
  requestId: string;
  operation: string | null;
  parameter: string | null;
  rule: string;
  detail: string;
  source: unknown;
}

/**
 * `snapconform emulate --strict`: collects every contract violation the emulators see (a request that breaks
 * the spec: parameters, types, signature, protocol), appends each to the `--violations` file as one JSON line
 * (synchronously, so a crash leaves whole lines), and summarises them at shutdown.
 */
export class ViolationRecorder {
  private readonly counts = new Map<string, number>();
  private total = 0;

  constructor(private readonly file: string | undefined) {
    if (file) writeFileSync(file, '');
  }

  /** Records the violations of one vendor's emulator from now on. */
  watch(vendor: string, log: RequestLog): void {
    log.onRecord((entry) => this.record(vendor, entry));
  }

  private record(vendor: string, entry: LoggedRequest): void {
    const violation = entry.violation;
    if (!violation) return;
    this.total += 1;
    const key = `${vendor} ${violation.operation ?? '(no action)'}${violation.parameter ? ` ${violation.parameter}` : ''}: ${violation.rule}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (this.file) {
      const line: ViolationLine = {
        at: entry.at, vendor, requestId: entry.requestId, operation: violation.operation ?? null, parameter: violation.parameter ?? null,
        rule: violation.rule, detail: violation.detail, source: violation.source ?? null,
      };
      appendFileSync(this.file, `${JSON.stringify(line)}\n`);
    }
  }

  /** How many violations were seen. */
  get count(): number {
    return this.total;
  }

  /** The shutdown summary: the count, then each kind of violation with how often it happened. */
  summary(): string {
    if (this.total === 0) return 'snapconform: strict: no contract violations\n';
    const lines = [...this.counts.entries()].sort((a, b) => b[1] - a[1]).map(([key, n]) => `  ${n} × ${key}`);
    return `snapconform: strict: ${this.total} contract violation${this.total === 1 ? '' : 's'}${this.file ? ` (each in ${this.file})` : ''}:\n${lines.join('\n')}\n`;
  }
}
