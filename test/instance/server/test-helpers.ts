// Shared by the server's unit tests: a fresh federation in a temp dir, REST calls, SSE reading.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Duplex } from 'node:stream';
import { startFederation, type Federation, type Instance, type StartOptions } from './federation.ts';
import { acceptKey, encodeFrame, FrameReader, OP } from './websocket.ts';

export interface TestFed {
  fed: Federation;
  a: Instance;
  b: Instance;
}

export async function startTestFederation(opts: Partial<StartOptions> = {}): Promise<TestFed> {
  const fed = await startFederation({
    dataDir: mkdtempSync(join(tmpdir(), 'hush-instance-')),
    buildWeb: false,
    ...opts,
  });
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

export interface ApiResponse {
  status: number;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

export async function call(
  origin: string,
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
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
export async function post(
  i: Instance,
  name: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<any> {
  const r = await call(i.origin, user(i, name).token, 'POST', '/api/v1/statuses', body, headers);
  if (r.status !== 200) throw new Error(`post failed ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

export interface SseEvent {
  event: string;
  data: string;
}

/** Opens an SSE stream and collects events; `next(pred)` resolves with the first matching one. */
export async function openStream(
  origin: string,
  token: string,
  stream: 'user' | 'direct',
): Promise<{ next(pred: (e: SseEvent) => boolean): Promise<SseEvent>; close(): void }> {
  const ctrl = new AbortController();
  const res = await fetch(`${origin}/api/v1/streaming/${stream}?access_token=${encodeURIComponent(token)}`, {
    signal: ctrl.signal,
  });
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
    next: (pred) =>
      new Promise((resolve) => {
        waiters.push({ pred, resolve });
        dispatch();
      }),
    close: () => ctrl.abort(),
  };
}

export interface WsMessage {
  stream?: string[];
  event?: string;
  payload?: string;
  error?: string;
  status?: number;
}

export interface TestSocket {
  /** The answer to the upgrade: 101 and its headers, or the refusal. */
  status: number;
  headers: Record<string, string | string[] | undefined>;
  send(v: unknown): void;
  next(pred: (m: WsMessage) => boolean, timeoutMs?: number): Promise<WsMessage>;
  /** Messages received and not yet taken by next(). */
  pending(): WsMessage[];
  closed: Promise<number | null>;
  close(): void;
}

/** A WebSocket client as the browser's: masked frames, the token as the subprotocol (stream.js). */
export function openWebSocket(
  origin: string,
  path: string,
  protocol?: string,
  headers: Record<string, string> = {},
): Promise<TestSocket> {
  const key = randomBytes(16).toString('base64');
  return new Promise((resolve, reject) => {
    const req = request(`${origin}${path}`, {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': key,
        ...(protocol === undefined ? {} : { 'sec-websocket-protocol': protocol }),
        ...headers,
      },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      res.resume();
      resolve(deadSocket(res.statusCode ?? 0, res.headers));
    });
    req.on('upgrade', (res, socket: Duplex, head: Buffer) => {
      if (res.headers['sec-websocket-accept'] !== acceptKey(key)) {
        reject(new Error('bad Sec-WebSocket-Accept'));
        return;
      }
      resolve(liveSocket(res.statusCode ?? 101, res.headers, socket, head));
    });
    req.end();
  });
}

function deadSocket(status: number, headers: TestSocket['headers']): TestSocket {
  return {
    status,
    headers,
    send: () => {
      throw new Error('not open');
    },
    next: () => Promise.reject(new Error('not open')),
    pending: () => [],
    closed: Promise.resolve(null),
    close: () => undefined,
  };
}

function liveSocket(status: number, headers: TestSocket['headers'], socket: Duplex, head: Buffer): TestSocket {
  const messages: WsMessage[] = [];
  const waiters: { pred: (m: WsMessage) => boolean; resolve: (m: WsMessage) => void }[] = [];
  const reader = new FrameReader();
  let closeCode: (c: number | null) => void = () => undefined;
  const closed = new Promise<number | null>((r) => {
    closeCode = r;
  });
  const dispatch = (): void => {
    for (const w of [...waiters]) {
      const i = messages.findIndex(w.pred);
      const m = messages[i];
      if (m) {
        messages.splice(i, 1);
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  const mask = (): Buffer => randomBytes(4);
  const onData = (chunk: Buffer): void => {
    const frames = reader.push(chunk);
    if (frames === 'too-large') throw new Error('server frame too large');
    for (const f of frames) {
      if (f.masked) throw new Error('server frames must not be masked');
      if (f.opcode === OP.text) messages.push(JSON.parse(f.payload.toString('utf8')) as WsMessage);
      else if (f.opcode === OP.ping) socket.write(encodeFrame(OP.pong, f.payload, mask()));
      else if (f.opcode === OP.close) {
        closeCode(f.payload.length >= 2 ? f.payload.readUInt16BE(0) : null);
        socket.end();
      }
    }
    dispatch();
  };
  socket.on('data', onData);
  socket.on('close', () => closeCode(null));
  socket.on('error', () => closeCode(null));
  if (head.length > 0) onData(head);
  return {
    status,
    headers,
    closed,
    send: (v) => {
      socket.write(encodeFrame(OP.text, Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)), mask()));
    },
    next: (pred, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching message in ${timeoutMs} ms; pending ${JSON.stringify(messages)}`)),
          timeoutMs,
        );
        waiters.push({
          pred,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
        dispatch();
      }),
    pending: () => [...messages],
    close: () => {
      socket.write(encodeFrame(OP.close, Buffer.from([0x03, 0xe8]), mask()));
      socket.end();
    },
  };
}
