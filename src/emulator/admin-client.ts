/**
 * The request options of an admin API `POST` (`fetch(`${endpoint}/_snapconform/${route}`, adminPost(body))`):
 * the body as JSON, declared as JSON — the admin API refuses any other content type
 * (src/emulator/admin-origin.ts), and `fetch` would send a string body as `text/plain`.
 */
export function adminPost(body: unknown): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
