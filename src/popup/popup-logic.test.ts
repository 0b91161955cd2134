import { describe, expect, it } from 'vitest';
import { qrModules } from './components/qr';
import { identityChangeOf } from './identity';
import { routeFromSearch } from './route';

describe('routes from the URL', () => {
  it.each([
    ['', { view: 'home' }],
    ['?view=contacts', { view: 'contacts' }],
    ['?view=contact&acct=bob@b.test', { view: 'contact', acct: 'bob@b.test' }],
    ['?view=key-change&acct=carol', { view: 'key-change', acct: 'carol' }],
    ['?view=contact&acct=<img src=x>', { view: 'contacts' }],
    ['?view=contact&acct=a@b@c', { view: 'contacts' }],
    ['?view=contact', { view: 'contacts' }],
    ['?view=nope', { view: 'home' }],
  ])('%s', (search, route) => {
    expect(routeFromSearch(search)).toEqual(route);
  });
});

describe('QR modules', () => {
  /** A 7x7 finder pattern: dark ring, light ring, dark 3x3 core. */
  const finderAt = (m: boolean[][], r0: number, c0: number) => {
    for (let r = 0; r < 7; r++) {
      for (let c = 0; c < 7; c++) {
        const ring = Math.max(Math.abs(r - 3), Math.abs(c - 3));
        if (m[r0 + r]?.[c0 + c] !== (ring !== 2)) return false;
      }
    }
    return true;
  };

  it('encodes the 65-byte safety payload as a square symbol with three finder patterns', () => {
    const payload = Uint8Array.from({ length: 65 }, (_, i) => (i * 37) & 0xff);
    const m = qrModules(payload);
    const n = m.length;
    expect(n).toBeGreaterThanOrEqual(37); // version 5 or more holds 65 bytes at level M
    expect((n - 17) % 4).toBe(0);
    for (const row of m) expect(row).toHaveLength(n);
    expect(finderAt(m, 0, 0) && finderAt(m, 0, n - 7) && finderAt(m, n - 7, 0)).toBe(true);
  });

  it('is deterministic and depends on every byte', () => {
    const p = new Uint8Array(65).fill(7);
    const q = p.slice();
    q[64] = 8;
    expect(qrModules(p)).toEqual(qrModules(p.slice()));
    expect(qrModules(q)).not.toEqual(qrModules(p));
  });

  it('encodes text as UTF-8', () => {
    expect(qrModules('hush1-fingerprint:zoë@a.test:abcd')).not.toEqual(qrModules('hush1-fingerprint:zoe@a.test:abcd'));
  });
});

describe('identity change from the background (issue #21)', () => {
  const side = {
    acct: 'carol@a.test',
    actorUri: 'https://a.test/users/carol',
    fingerprint: 'abcd efgh ijkl mnop qrst uvwx',
    servedBy: ['https://home.test', 'https://a.test'],
  };
  const view = {
    before: side,
    after: { ...side, actorUri: 'https://c.test/users/mallory', fingerprint: null },
    changedAt: 1_800_000_000,
    keptBlocked: false,
    decisionFingerprint: side.fingerprint,
  };

  it('reads both sides, milliseconds for the date', () => {
    expect(identityChangeOf({ result: 'ok', identityChange: view })).toEqual({ ...view, changedAt: 1_800_000_000_000 });
  });

  it.each([
    ['absent', {}],
    ['null', { identityChange: null }],
    ['a side missing', { identityChange: { ...view, after: undefined } }],
    ['a fingerprint of the wrong type', { identityChange: { ...view, before: { ...side, fingerprint: 5 } } }],
    [
      'an oversized address',
      { identityChange: { ...view, after: { ...side, actorUri: `https://x.test/${'a'.repeat(3000)}` } } },
    ],
  ])('%s: no identity change', (_name, reply) => {
    expect(identityChangeOf(reply)).toBeNull();
  });
});
