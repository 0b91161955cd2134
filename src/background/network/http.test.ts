import { describe, expect, it } from 'vitest';
import { requestJson, type Fetch } from './http';

const reply = (body: string, status = 200): Fetch => () => Promise.resolve(new Response(body, { status }));

describe('requestJson: bounded, typed, never throws', () => {
  it('parses JSON and sends the token only as a bearer header, without cookies', async () => {
    let seen: RequestInit | undefined;
    const f: Fetch = (_u, init) => {
      seen = init;
      return Promise.resolve(new Response('{"a":1}'));
    };
    expect(await requestJson(f, 'https://a.test/x', { token: 'tok' })).toEqual({ ok: true, status: 200, json: { a: 1 } });
    expect(seen?.credentials).toBe('omit');
    expect((seen?.headers as Record<string, string>).authorization).toBe('Bearer tok');
  });
  it('types every failure', async () => {
    expect(await requestJson(reply('{}'), 'javascript:alert(1)')).toMatchObject({ ok: false, kind: 'network' });
    expect(await requestJson(reply('{}'), 'not a url')).toMatchObject({ ok: false, kind: 'network' });
    expect(await requestJson(reply('nope', 404), 'https://a.test/x')).toEqual({ ok: false, kind: 'status', status: 404, message: 'HTTP 404' });
    expect(await requestJson(reply('<html>'), 'https://a.test/x')).toMatchObject({ ok: false, kind: 'bad_json' });
    expect(await requestJson(reply(`"${'x'.repeat(600_000)}"`), 'https://a.test/x')).toMatchObject({ ok: false, kind: 'bad_json', message: 'response too large' });
    expect(await requestJson(() => Promise.reject(new TypeError('offline')), 'https://a.test/x')).toEqual({ ok: false, kind: 'network', message: 'offline' });
  });
  it('gives up after the timeout', async () => {
    const hang: Fetch = (_u, init) => new Promise((_r, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)));
    expect(await requestJson(hang, 'https://a.test/x', { timeoutMs: 20 })).toEqual({ ok: false, kind: 'network', message: 'timed out' });
  });
});
