import { describe, expect, it } from 'vitest';
import * as hush from './index';

const NOW = 1_800_000_000;

describe('public API', () => {
  it('one conversation through the public entry points alone: keys, bundle, encrypt, decrypt, safety number, revocation', async () => {
    await hush.init();
    await hush.init(); // idempotent
    const alice = hush.generateIdentity('https://a.test/users/alice');
    const bob = hush.generateIdentity('https://b.test/users/bob');
    const bobChain = hush.createChain(NOW);
    const pre = hush.currentPrekey(bobChain);

    // Bob publishes a bundle; alice reads it back for his actor only.
    const field = hush.encodeBundle(bob, pre.epoch, pre.publicKey);
    const bundle = hush.parseAndVerifyBundle(field, bob.actorUri);
    if (!bundle.ok) throw new Error(bundle.reason);
    expect(bundle.value.identityPk).toEqual(bob.publicKey);
    expect(hush.parseAndVerifyBundle(field, alice.actorUri).ok).toBe(false);

    // Alice encrypts to the bundle; bob decrypts with his chain and sees alice as the signed sender.
    const alicePart = { actorUri: alice.actorUri, identityPk: alice.publicKey };
    const bobPart = { actorUri: bob.actorUri, identityPk: bob.publicKey };
    const sent = hush.encryptMessage({
      sender: { identity: alice, chain: hush.createChain(NOW) },
      recipients: [{ ...bobPart, prekeyPk: bundle.value.prekeyPk, epoch: bundle.value.epoch }],
      plaintext: 'through the front door',
      now: NOW,
      statusBudget: { mentionText: '@bob@b.test ' },
    });
    if (!sent.ok) throw new Error(sent.reason);
    expect(
      sent.value.statuses.every((s) => s.startsWith(`@bob@b.test ${hush.STATUS_PREFIX_TEXT}`) && hush.fitsInStatus(s)),
    ).toBe(true);
    const read = hush.decryptMessage(sent.value.statuses, {
      author: alicePart,
      recipients: [bobPart],
      me: { ...bobPart, chain: bobChain },
      now: NOW,
    });
    if (!read.ok) throw new Error(read.reason);
    expect(read.value.plaintext).toBe('through the front door');
    expect(read.value.sender.identityPk).toEqual(alice.publicKey);
    // Someone else's key for the author: refused.
    expect(
      hush.decryptMessage(sent.value.statuses, {
        author: { ...alicePart, identityPk: bob.publicKey },
        recipients: [bobPart],
        me: { ...bobPart, chain: bobChain },
        now: NOW,
      }).ok,
    ).toBe(false);

    // Both sides compute the same safety number; a different key gives another one.
    const ab = hush.safetyNumber(alicePart, bobPart);
    expect(ab.digits).toMatch(/^\d{60}$/);
    expect(hush.safetyNumber(bobPart, alicePart).digits).toBe(ab.digits);
    expect(hush.compareSafetyPayload(ab.qrPayload, hush.safetyNumber(bobPart, alicePart).qrPayload)).toBe(true);
    expect(
      hush.compareSafetyPayload(
        ab.qrPayload,
        hush.safetyNumber(alicePart, { ...bobPart, identityPk: alice.publicKey }).qrPayload,
      ),
    ).toBe(false);

    // A revocation parses for its actor and refuses messages made after it.
    const revoked = hush.parseRevocation(hush.encodeRevocation(bob, NOW, 'compromised'), bob.actorUri);
    if (!revoked.ok) throw new Error(revoked.reason);
    expect(hush.revocationRefuses(revoked.value, NOW + 1)).toBe(true);
  });

  it('exposes no test-only RNG, and the protocol version is the one PROTOCOL.md defines', () => {
    expect('deterministicRng' in hush).toBe(false);
    expect(hush.VERSION).toBe(1);
  });
});
