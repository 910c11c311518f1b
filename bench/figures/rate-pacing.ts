import { politeClient } from '../../src/conformance/session.ts';
import { isThrottled } from '../../src/transport/call-policy.ts';
import { HttpTransport } from '../../src/transport/http-transport.ts';
import { RateLimiter } from '../../src/transport/rate-limiter.ts';
import { makeFigure, type Figure } from '../lib/figure.ts';
import { sizing, type BenchOptions } from '../lib/options.ts';
import type { ServerFleet } from '../lib/fleet.ts';
import { admin } from '../lib/servers.ts';
import { round } from '../lib/stats.ts';
import { targetAt, vendorsUnderTest } from '../lib/workload.ts';

/** Callers sharing the transport at once, as parallel rule files do: pacing, not latency, must set the rate. */
const CALLERS = 4;

/** The vendor whose documented limit is paced against (Tencent documents 20 requests/s per action). */
export const PACED_VENDOR = 'tencent-cbs';

/**
 * Figure 4: the suite's transport (`politeClient`: the rate limiter, retries on throttling) against the
 * Tencent emulator with its documented limits switched on (20 requests/s per action). The target is described
 * as a real endpoint (not an emulator), so the transport paces at the documented rate, as it would against
 * cbs.tencentcloudapi.com. Four callers send DescribeSnapshots back to back for the window; the rate is
 * answered calls per second over the window, and every throttling answer (retried or not) is counted.
 */
export async function ratePacing(fleet: ServerFleet, options: BenchOptions): Promise<Figure[]> {
  const size = sizing(options);
  const subject = vendorsUnderTest().find((s) => s.vendor === PACED_VENDOR);
  if (!subject) throw new Error(`the default target file has no ${PACED_VENDOR} target`);
  const action = subject.actions.describe;
  const documented = subject.spec.action(action).rateLimit?.perSecond;
  if (documented === undefined) throw new Error(`the ${PACED_VENDOR} spec documents no rate limit for ${action}`);
  const { emulator } = fleet.of(subject);
  const transport = new HttpTransport();
  await admin(emulator.url, 'config', { limits: true });
  try {
    const info = { ...targetAt(subject, emulator.url), emulator: false };
    const client = politeClient(info, subject.spec, subject.adapter, subject.adapter.createClient(info, subject.spec, transport), { limiter: new RateLimiter() });
    const params = subject.adapter.validRequest(action, { sameInstanceDisks: [] }) ?? {};
    let answered = 0;
    let sent = 0;
    let throttled = 0;
    let refused = 0;
    const started = performance.now();
    const closes = started + size.pacingMs;
    let last = started;
    const caller = async () => {
      while (performance.now() < closes) {
        const result = await client.call(action, params);
        const attempts = result.attempts ?? 1;
        sent += attempts;
        // Every attempt before the last was throttled (the policy retries nothing else on an answer).
        throttled += attempts - 1 + (isThrottled(result) ? 1 : 0);
        if (result.ok) answered += 1;
        else if (!isThrottled(result)) refused += 1;
        last = performance.now();
      }
    };
    await Promise.all(Array.from({ length: CALLERS }, caller));
    const elapsed = last - started;
    const rate = (answered * 1000) / elapsed;
    options.log(`  ${answered} answered in ${round(elapsed / 1000)} s: ${round(rate)} req/s, ${throttled} throttled`);
    const note = `${action}, ${CALLERS} callers, ${round(elapsed / 1000)} s; ${sent} sent, ${answered} answered${refused > 0 ? `, ${refused} refused otherwise` : ''}`;
    return [
      makeFigure({
        id: 'pacing.rate', section: 4, title: `${subject.vendor} ${action} paced rate`,
        measured: rate, unit: 'req/s', baseline: documented, baselineLabel: 'documented limit',
        target: { on: 'ratio', op: '>=', value: 0.95 },
        note,
        details: { answered, sent, throttled, refused, elapsedMs: round(elapsed), callers: CALLERS },
      }),
      makeFigure({
        id: 'pacing.throttled', section: 4, title: `${subject.vendor} RequestLimitExceeded answers`,
        measured: throttled, unit: '', baseline: sent, baselineLabel: 'requests sent',
        target: { on: 'measured', op: '==', value: 0 },
      }),
    ];
  } finally {
    await transport.close();
    await admin(emulator.url, 'config', { limits: false });
  }
}
