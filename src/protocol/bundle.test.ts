import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkBundleUpdate,
  encodeBundle,
  encodeRevocation,
  isEpochRollback,
  parseAndVerifyBundle,
  parseBundle,
  parseRevocation,
  PROFILE_FIELD_MAX,
  revocationRefuses,
  type RevocationReason,
} from './bundle';
import { generateIdentity } from './identity';
import { createChain, currentPrekey, advanceChain } from './prekey-chain';
import { deterministicRng, init } from './sodium';

const T0 = 1_800_000_000;
const URI = 'https://social.example/users/alice';

beforeAll(async () => {
  await init();
});

describe('key bundle', () => {
  it('fits one profile field with room to spare and survives the whitespace Mastodon adds', () => {
    const rng = deterministicRng('bundle');
    const id = generateIdentity(URI, rng);
    const pre = currentPrekey(createChain(T0, undefined, rng));
    const field = encodeBundle(id, pre.epoch, pre.publicKey);
    expect(Array.from(field).length).toBeLessThanOrEqual(PROFILE_FIELD_MAX);
    expect(field).not.toMatch(/[@#:/.]/u);
    const r = parseAndVerifyBundle(`\n  ${field}  \n`, URI);
    expect(r.ok).toBe(true);
  });

  it('is bound to the actor URI, not carried in it: the same field on another account fails', () => {
    const rng = deterministicRng('bundle2');
    const id = generateIdentity(URI, rng);
    const pre = currentPrekey(createChain(T0, undefined, rng));
    const field = encodeBundle(id, 3, pre.publicKey);
    expect(parseAndVerifyBundle(field, 'https://evil.example/users/alice')).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
    expect(parseAndVerifyBundle(field, URI).ok).toBe(true);
  });

  it('rejects epoch rollback and flags equivocation and identity change', () => {
    const rng = deterministicRng('bundle3');
    const id = generateIdentity(URI, rng);
    const c0 = createChain(T0, undefined, rng);
    const c2 = advanceChain(c0, T0 + 15 * 86400);
    const p0 = parseBundle(encodeBundle(id, 0, currentPrekey(c0).publicKey));
    const p2 = parseBundle(encodeBundle(id, 2, currentPrekey(c2).publicKey));
    const p2b = parseBundle(encodeBundle(id, 2, currentPrekey(c0).publicKey));
    const other = generateIdentity(URI, rng);
    const q = parseBundle(encodeBundle(other, 5, currentPrekey(c0).publicKey));
    if (!p0.ok || !p2.ok || !p2b.ok || !q.ok) throw new Error('parse');
    expect(isEpochRollback(2, 0)).toBe(true);
    expect(isEpochRollback(2, 2)).toBe(false);
    expect(isEpochRollback(undefined, 0)).toBe(false);
    expect(checkBundleUpdate(p2.value, p0.value)).toBe('epoch_rollback');
    expect(checkBundleUpdate(p0.value, p2.value)).toBe('ok');
    expect(checkBundleUpdate(p2.value, p2.value)).toBe('same');
    expect(checkBundleUpdate(p2.value, p2b.value)).toBe('equivocation');
    expect(checkBundleUpdate(p2.value, q.value)).toBe('identity_changed');
  });

  it('revocation records are signed for the actor and parse back', () => {
    const id = generateIdentity(URI, deterministicRng('rev'));
    const text = encodeRevocation(id, T0, 'compromised');
    expect(Array.from(text).length).toBeLessThanOrEqual(PROFILE_FIELD_MAX);
    const r = parseRevocation(text, URI);
    expect(r.ok && r.value.reason).toBe('compromised');
    expect(parseRevocation(text, 'https://x.example/u/a')).toMatchObject({ ok: false, reason: 'bad_signature' });
    // A revocation is not a bundle and vice versa.
    expect(parseBundle(text)).toMatchObject({ ok: false, reason: 'not_hush' });
  });

  it('revocationRefuses: compromised refuses any time, the others from revokedAt on; junk fails closed', () => {
    expect(revocationRefuses({ reason: 'compromised', revokedAt: T0 }, 0)).toBe(true);
    expect(revocationRefuses({ reason: 'superseded', revokedAt: T0 }, T0 - 1)).toBe(false);
    expect(revocationRefuses({ reason: 'unspecified', revokedAt: T0 }, T0)).toBe(true);
    expect(revocationRefuses({ reason: 'superseded', revokedAt: T0 }, Number.NaN)).toBe(true);
    expect(revocationRefuses({ reason: 'other' as RevocationReason, revokedAt: T0 }, 0)).toBe(true);
  });

  it('never throws on junk', () => {
    for (const junk of [
      '',
      ' ',
      'Hush encryption key',
      'Hush encryption key ',
      'Hush encryption key a b',
      'Hush encryption key ' + 'A'.repeat(2000),
      '\u0000',
      'Hush encryption key ____',
    ]) {
      const r = parseAndVerifyBundle(junk, URI);
      expect(r.ok).toBe(false);
    }
    expect(parseAndVerifyBundle(null as unknown as string, URI).ok).toBe(false);
  });
});
