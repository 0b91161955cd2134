// Shared by the server's unit tests: a fresh federation in a temp dir, REST calls, SSE reading.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFederation, type Federation, type Instance, type StartOptions } from './federation.ts';

export interface TestFed { fed: Federation; a: Instance; b: Instance }

export async function startTestFederation(opts: Partial<StartOptions> = {}): Promise<TestFed> {
  const fed = await startFederation({ dataDir: mkdtempSync(join(tmpdir(), 'hush-instance-')), buildWeb: false, ...opts });
  const a = fed.instances['a.test'];
  const b = fed.instances['b.test'];
  if (!a || !b) throw new Error('default instances missing');
  return { fed, a, b };
}

export function user(i: Instance, name: string): { id: string; token: string; acct: string } {
  const u = i.users[name];
  if (!u) throw new Error(`no user ${name}`);
  return u;
}

export interface ApiResponse { status: number; json: any; headers: Headers } // eslint-disable-line @typescript-eslint/no-explicit-any

export async function call(origin: string, token: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
  const res = await fetch(`${origin}${path}`, {
    method,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}

/** Posts as `name` on instance `i`; throws unless 200. */
export async function post(i: Instance, name: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = await call(i.origin, user(i, name).token, 'POST', '/api/v1/statuses', body, headers);
  if (r.status !== 200) throw new Error(`post failed ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

export interface SseEvent { event: string; data: string }

/** Opens an SSE stream and collects events; `next(pred)` resolves with the first matching one. */
export async function openStream(origin: string, token: string, stream: 'user' | 'direct'): Promise<{ next(pred: (e: SseEvent) => boolean): Promise<SseEvent>; close(): void }> {
  const ctrl = new AbortController();
  const res = await fetch(`${origin}/api/v1/streaming/${stream}?access_token=${encodeURIComponent(token)}`, { signal: ctrl.signal });
  if (!res.ok || !res.body) throw new Error(`stream ${stream}: HTTP ${res.status}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = '';
  const waiters: { pred: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }[] = [];
  const dispatch = (): void => {
    for (const w of [...waiters]) {
      const i = events.findIndex(w.pred);
      const e = events[i];
      if (e) {
        events.splice(i, 1);
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  };
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let sep;
        while ((sep = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, sep);
          buffer = buffer.slice(sep + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event !== undefined && data !== undefined) events.push({ event, data });
        }
        dispatch();
      }
    } catch {
      // Aborted by close().
    }
  })();
  return {
    next: (pred) => new Promise((resolve) => {
      waiters.push({ pred, resolve });
      dispatch();
    }),
    close: () => ctrl.abort(),
  };
}
