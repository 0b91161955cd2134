import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY, requestJson, type Fetch } from './http';

const reply =
  (body: string, status = 200): Fetch =>
  () =>
    Promise.resolve(new Response(body, { status }));

describe('requestJson: bounded, typed, never throws', () => {
  it('parses JSON and sends the token only as a bearer header, without cookies', async () => {
    let seen: RequestInit | undefined;
    const f: Fetch = (_u, init) => {
      seen = init;
      return Promise.resolve(new Response('{"a":1}'));
    };
    expect(await requestJson(f, 'https://a.test/x', { token: 'tok' })).toEqual({
      ok: true,
      status: 200,
      json: { a: 1 },
    });
    expect(seen?.credentials).toBe('omit');
    expect((seen?.headers as Record<string, string>).authorization).toBe('Bearer tok');
  });
  it('types every failure', async () => {
    expect(await requestJson(reply('{}'), 'javascript:alert(1)')).toMatchObject({ ok: false, kind: 'network' });
    expect(await requestJson(reply('{}'), 'not a url')).toMatchObject({ ok: false, kind: 'network' });
    expect(await requestJson(reply('nope', 404), 'https://a.test/x')).toEqual({
      ok: false,
      kind: 'status',
      status: 404,
      message: 'HTTP 404',
    });
    expect(await requestJson(reply('<html>'), 'https://a.test/x')).toMatchObject({ ok: false, kind: 'bad_json' });
    expect(await requestJson(reply(`"${'x'.repeat(600_000)}"`), 'https://a.test/x')).toMatchObject({
      ok: false,
      kind: 'bad_json',
      message: 'response too large',
    });
    expect(await requestJson(() => Promise.reject(new TypeError('offline')), 'https://a.test/x')).toEqual({
      ok: false,
      kind: 'network',
      message: 'offline',
    });
    const badUtf8 = (): Promise<Response> => Promise.resolve(new Response(new Uint8Array([0x22, 0xff, 0x22])));
    expect(await requestJson(badUtf8, 'https://a.test/x')).toMatchObject({ ok: false, kind: 'bad_json' });
  });
  it('gives up after the timeout', async () => {
    const hang: Fetch = (_u, init) =>
      new Promise((_r, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)));
    expect(await requestJson(hang, 'https://a.test/x', { timeoutMs: 20 })).toEqual({
      ok: false,
      kind: 'network',
      message: 'timed out',
    });
  });
  it('a body that starts and then stalls is cut off by the same deadline (even when the stream ignores the signal)', async () => {
    let cancelled = false;
    const stall: Fetch = () =>
      Promise.resolve(
        new Response(
          new ReadableStream<Uint8Array>({
            start: (c) => c.enqueue(new TextEncoder().encode('{"a":')),
            cancel: () => {
              cancelled = true;
            },
          }),
        ),
      );
    expect(await requestJson(stall, 'https://a.test/x', { timeoutMs: 30 })).toEqual({
      ok: false,
      kind: 'network',
      message: 'timed out',
    });
    expect(cancelled).toBe(true);
  });
  it('stops pulling a streamed body as soon as it passes the cap, and refuses a declared oversize without reading', async () => {
    const CHUNK = 64 * 1024;
    let pulled = 0;
    let cancelled = false;
    const endless: Fetch = () =>
      Promise.resolve(
        new Response(
          new ReadableStream<Uint8Array>(
            {
              pull: (c) => {
                pulled += CHUNK;
                c.enqueue(new Uint8Array(CHUNK).fill(0x20));
              },
              cancel: () => {
                cancelled = true;
              },
            },
            { highWaterMark: 0 },
          ),
        ),
      );
    expect(await requestJson(endless, 'https://a.test/x')).toEqual({
      ok: false,
      kind: 'bad_json',
      message: 'response too large',
    });
    expect(cancelled).toBe(true);
    expect(pulled).toBeLessThanOrEqual(MAX_BODY + 2 * CHUNK);
    let read = false;
    const declared: Fetch = () =>
      Promise.resolve(
        new Response(
          new ReadableStream<Uint8Array>(
            {
              pull: () => {
                read = true;
              },
            },
            { highWaterMark: 0 },
          ),
          { headers: { 'content-length': String(300 * 1024 * 1024) } },
        ),
      );
    expect(await requestJson(declared, 'https://a.test/x')).toEqual({
      ok: false,
      kind: 'bad_json',
      message: 'response too large',
    });
    expect(read).toBe(false);
  });
});

describe('a 300 MB answer from a real server (issue #21)', () => {
  const HUGE = 300 * 1024 * 1024;
  let server: Server;
  let origin = '';
  /** Bytes each response managed to write before the client went away. */
  const written: number[] = [];

  function stream(res: ServerResponse, slot: number): void {
    const block = Buffer.alloc(256 * 1024, 0x20);
    block[0] = 0x22; // '"' so the body starts like a JSON string
    const pump = () => {
      while ((written[slot] ?? 0) < HUGE) {
        written[slot] = (written[slot] ?? 0) + block.length;
        if (!res.write(block)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    res.on('close', () => undefined);
    pump();
  }

  beforeAll(async () => {
    server = createServer((req, res) => {
      const slot = written.length;
      written.push(0);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (req.url === '/declared') headers['content-length'] = String(HUGE);
      res.writeHead(200, headers);
      stream(res, slot);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  for (const path of ['/chunked', '/declared']) {
    it(`${path}: refused as too large, memory stays bounded, the download is abandoned early`, async () => {
      const base = process.memoryUsage();
      let peak = 0;
      const sample = setInterval(() => {
        const m = process.memoryUsage();
        peak = Math.max(peak, m.heapUsed + m.arrayBuffers - base.heapUsed - base.arrayBuffers);
      }, 5);
      const fetchFn: Fetch = (u, init) => fetch(u, init);
      const r = await requestJson(fetchFn, `${origin}${path}`, { timeoutMs: 20_000 });
      clearInterval(sample);
      expect(r).toEqual({ ok: false, kind: 'bad_json', message: 'response too large' });
      // Bounded: far below the answer's size (the cap is 512 KiB; allow for socket buffers and GC lag).
      expect(peak).toBeLessThan(64 * 1024 * 1024);
      await new Promise((res) => setTimeout(res, 100));
      expect(Math.max(...written)).toBeLessThan(64 * 1024 * 1024);
    }, 60_000);
  }
});

describe('requestJson: extra headers', () => {
  it('sends extra headers but never lets them replace accept, authorization or content-type', async () => {
    let seen: Record<string, string> = {};
    const f: Fetch = (_u, init) => {
      seen = init.headers as Record<string, string>;
      return Promise.resolve(new Response('{}'));
    };
    await requestJson(f, 'https://a.test/x', {
      method: 'POST',
      token: 'tok',
      body: {},
      headers: { 'Idempotency-Key': 'k1', Authorization: 'Bearer evil', Accept: 'text/html' },
    });
    expect(seen).toEqual({
      'idempotency-key': 'k1',
      accept: 'application/json',
      authorization: 'Bearer tok',
      'content-type': 'application/json',
    });
  });
});

describe('requestJson: redirects', () => {
  it('refuses redirects unless asked to follow them (WebFinger only)', async () => {
    const seen: (RequestRedirect | undefined)[] = [];
    const f: Fetch = (_u, init) => {
      seen.push(init.redirect);
      return Promise.resolve(new Response('{}'));
    };
    await requestJson(f, 'https://a.test/x');
    await requestJson(f, 'https://a.test/.well-known/webfinger', { followRedirects: true });
    expect(seen).toEqual(['error', 'follow']);
  });
});
