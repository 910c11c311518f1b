import type { ExchangeLog } from '../../transport/exchange-log.ts';
import { Redactor } from '../../transport/redact.ts';
import type { TargetInfo } from '../target.ts';
import type { Layer } from './layer.ts';

/**
 * Redacts every result (the target's secret and token, and its key id down to four characters, in every form a
 * response may echo them) before anything above — rules, reporters, logs — sees it: the transcript, and the
 * decoded answer and error too, since a rule quotes those (an error message echoing `Credential=…`) in its
 * observation. Then appends the exchange to the worker's log.
 */
export function exchangeRecord(info: TargetInfo, log: ExchangeLog | undefined): Layer {
  const redactor = new Redactor([info.credentials.secret, info.credentials.token], [info.credentials.id]);
  return (next) => async (action, params, options) => {
    const startedAt = Date.now();
    const result = await next(action, params, options);
    const transcript = redactor.transcript(result.transcript);
    log?.append({
      target: info.name, action, startedAt: new Date(startedAt).toISOString(), durationMs: Math.round(result.durationMs),
      attempts: result.attempts ?? 1, reconciled: result.reconciled ?? false, request: transcript.request, response: transcript.response,
    });
    return { ...result, data: redactor.value(result.data), error: redactor.value(result.error), body: redactor.value(result.body), transcript };
  };
}
