import type { Reporter, Vitest } from 'vitest/node';
import { warn } from './cli-context.ts';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
type Signal = (typeof SIGNALS)[number];
const NUMBER: Record<Signal, number> = { SIGINT: 2, SIGTERM: 15 };
type Listener = (...args: unknown[]) => void;

/**
 * Ctrl-C (SIGINT) and SIGTERM during a run: the first cancels the run the way vitest's own key does
 * (`cancelCurrentRun('keyboard-input')`), so the tests in flight finish, the reporters see the reason
 * `interrupted` and the report is written, marked partial; a second signal exits at once (128 + signal).
 *
 * vitest's logger exits the process on the first SIGINT or SIGTERM (a millisecond after it), which would
 * leave no report: its listeners are taken off once vitest has made them, i.e. when it hands its instance to
 * the reporters ({@link Interrupts.reporter}).
 */
export class Interrupts {
  /** The signal that interrupted the run, if one did. */
  signal: Signal | undefined;
  private vitest: Vitest | undefined;
  private readonly before = new Map<Signal, Set<Function>>();
  private readonly listener = (signal: Signal) => this.onSignal(signal);

  constructor() {
    for (const signal of SIGNALS) {
      this.before.set(signal, new Set(process.listeners(signal)));
      process.on(signal, this.listener);
    }
  }

  /** A reporter that receives the vitest instance (and cancels a run that was interrupted before it began). */
  reporter(): Reporter {
    return {
      onInit: (vitest) => {
        this.vitest = vitest;
        for (const signal of SIGNALS) {
          for (const other of process.listeners(signal)) {
            if (other !== this.listener && !this.before.get(signal)!.has(other)) process.off(signal, other as Listener);
          }
        }
      },
      onTestRunStart: () => {
        if (this.signal) this.cancel();
      },
    };
  }

  private onSignal(signal: Signal): void {
    if (this.signal) {
      if (process.stdout.isTTY) process.stdout.write('\x1b[?25h'); // vitest hid the cursor
      process.exit(128 + NUMBER[signal]);
    }
    this.signal = signal;
    warn(`${signal}: stopping after the tests in flight and writing a partial report (again to stop at once)`);
    this.cancel();
  }

  private cancel(): void {
    // The run's own end reports any failure; a cancel that fails must not end the process on its own.
    this.vitest?.cancelCurrentRun('keyboard-input').catch(() => {});
  }

  /** Takes the signal handlers off. */
  dispose(): void {
    for (const signal of SIGNALS) process.off(signal, this.listener);
  }
}
