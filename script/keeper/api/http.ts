/** HTTP plumbing of the keepers' API: typed errors, JSON answers, bounded request bodies, security headers. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An answer other than 2xx, with a sentence for the client. Internal errors never become one of these. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

/** Sent with every answer: the API serves data, never pages to frame or scripts to sniff. */
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

export function send(res: ServerResponse, status: number, contentType: string, body: string | Uint8Array, headers: Record<string, string> = {}) {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': contentType, ...headers });
  res.end(body);
}

export const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  send(res, status, 'application/json', JSON.stringify(body), headers);

export function startStream(res: ServerResponse) {
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream', connection: 'keep-alive' });
}

/** Reads a JSON object body of at most `maxBytes`; 413, 415 or 400 (with the reason) otherwise. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, 'the body must be JSON (content-type: application/json)');
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) throw new HttpError(413, `the body must be at most ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new HttpError(413, `the body must be at most ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'the body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'the body must be a JSON object');
  return body as Record<string, unknown>;
}

/** The client's address as the socket sees it (the API is meant to sit behind no proxy, or a trusted one). */
export const clientIp = (req: IncomingMessage) => req.socket.remoteAddress ?? 'unknown';

/** Cookies of a request, by name: every value of a name, in order (a repeated name is worth noticing). */
export function cookies(req: IncomingMessage): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    out.set(name, [...(out.get(name) ?? []), part.slice(eq + 1).trim()]);
  }
  return out;
}
