import { beforeAll, describe, expect, it } from 'vitest';
import { compareSafetyPayload, safetyNumber } from './safety-number';
import { fingerprint, generateIdentity } from './identity';
import { deterministicRng, init } from './sodium';

beforeAll(async () => {
  await init();
});

describe('safety numbers and fingerprints', () => {
  it('is the same from both sides, 60 digits in 12 groups, and changes with either key or actor URI', () => {
    const rng = deterministicRng('sn');
    const a = generateIdentity('https://a.example/users/a', rng);
    const b = generateIdentity('https://b.example/users/b', rng);
    const m = generateIdentity('https://b.example/users/b', rng);
    const A = { actorUri: a.actorUri, identityPk: a.publicKey };
    const B = { actorUri: b.actorUri, identityPk: b.publicKey };
    const ab = safetyNumber(A, B);
    expect(ab.digits).toMatch(/^\d{60}$/u);
    expect(ab.display.split(' ')).toHaveLength(12);
    expect(safetyNumber(B, A).digits).toBe(ab.digits);
    expect(compareSafetyPayload(ab.qrPayload, safetyNumber(B, A).qrPayload)).toBe(true);
    // A key swapped by the server (same actor, another key) gives another number.
    const swapped = safetyNumber(A, { actorUri: b.actorUri, identityPk: m.publicKey });
    expect(swapped.digits).not.toBe(ab.digits);
    expect(compareSafetyPayload(ab.qrPayload, swapped.qrPayload)).toBe(false);
    // Same key presented for another actor URI also differs.
    expect(safetyNumber(A, { actorUri: 'https://evil.example/users/b', identityPk: b.publicKey }).digits).not.toBe(
      ab.digits,
    );
    expect(ab.qrPayload.length).toBe(65);
    expect(compareSafetyPayload(ab.qrPayload, ab.qrPayload.slice(0, 64))).toBe(false);
    expect(compareSafetyPayload(ab.qrPayload, null as unknown as Uint8Array)).toBe(false);
  });

  it('short fingerprint: 24 base32 characters in 6 groups, distinct per key', () => {
    const rng = deterministicRng('fp');
    const f1 = fingerprint(generateIdentity('https://a.example/u', rng).publicKey);
    const f2 = fingerprint(generateIdentity('https://a.example/u', rng).publicKey);
    expect(f1).toMatch(/^([0-9a-hjkmnp-tv-z]{4} ){5}[0-9a-hjkmnp-tv-z]{4}$/u);
    expect(f1).not.toBe(f2);
  });
});
