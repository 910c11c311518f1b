import type { ArrivedHttpRequest } from './http-server.ts';

/** The host names of loopback: the only ones an emulator's admin API is served to. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The port a request came in on: the server's own, else the one its Host header names. */
function ownPort(request: ArrivedHttpRequest): string | undefined {
  if (request.localPort !== undefined) return String(request.localPort);
  return /:(\d+)$/.exec(request.headers['host'] ?? '')?.[1];
}

/** Whether `origin` is this emulator's own: `http://` + a loopback host + the port the request came in on. */
function isOwnOrigin(origin: string, request: ArrivedHttpRequest): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const port = url.port || '80';
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname) && port === ownPort(request);
}

/** A refusal of an admin request before its body is read: the HTTP status and the one-line reason. */
export interface AdminGateRefusal {
  status: 403 | 415;
  reason: string;
}

/**
 * Whether an admin request may be served at all. The admin API has no credentials (the suite and a developer
 * call it on loopback), so what stops a web page open in the developer's browser from reconfiguring the
 * emulator (switch `signature-not-checked` on, reset the world) is this gate:
 * - a request with an `Origin` header that is not the emulator's own loopback origin is refused: browsers
 *   send `Origin` with every cross-origin request, and with every `POST` (Fetch standard, "append a request
 *   `Origin` header"); the suite's own clients (Node) send none;
 * - a `POST` must be `application/json`: a cross-origin page can send `text/plain`, form or multipart
 *   bodies without a CORS preflight, but not JSON, which a preflight guards (Fetch standard, "CORS-safelisted
 *   request-header") — so an old browser that sends no `Origin` is stopped too.
 */
export function adminGateRefusal(request: ArrivedHttpRequest): AdminGateRefusal | undefined {
  const origin = request.headers['origin'];
  if (origin !== undefined && !isOwnOrigin(origin, request)) {
    return { status: 403, reason: `cross-origin admin requests are refused (Origin: ${origin}); call the admin API from the emulator's own loopback origin or without an Origin header` };
  }
  if (request.method.toUpperCase() === 'POST') {
    const contentType = request.headers['content-type'];
    const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
    if (mediaType !== 'application/json') {
      return { status: 415, reason: `admin POST bodies must be sent as Content-Type: application/json (got ${contentType === undefined ? 'none' : contentType})` };
    }
  }
  return undefined;
}
