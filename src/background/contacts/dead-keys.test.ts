/**
 * Issue #21, claim 2: "a revoked identity key is never offered again as a key change", attacked by
 * the contact's instance minting self-signed revocations of throwaway keys to evict a key revoked
 * as compromised from deadKeys (reviewer's PoC e27b5fc, attack-server branch; it failed on main
 * before tofu.ts kept compromised revocations and ignored revocations of keys never seen).
 * Pure TOFU state machine (tofu.ts), real protocol encoding and signatures.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createChain,
  currentPrekey,
  encodeBundle,
  encodeRevocation,
  generateIdentity,
  init,
  parseBundle,
  parseRevocation,
  type Identity,
  type RevocationReason,
} from '../../protocol/index';
import type { KeyMaterial } from '../network/discovery';
import { MAX_DEAD_COMPROMISED, MAX_DEAD_UNSEEN, observe } from './tofu';
import type { Contact } from '../storage/schema';

const URI = 'https://b.test/users/bob';
beforeAll(init);

function bundle(id: Identity, epoch: number): KeyMaterial {
  const p = parseBundle(encodeBundle(id, epoch, currentPrekey(createChain(1_800_000_000)).publicKey));
  if (!p.ok) throw new Error('bundle');
  return { kind: 'bundle', bundle: p.value };
}
function revocation(id: Identity, at: number, reason: RevocationReason = 'compromised'): KeyMaterial {
  const r = parseRevocation(encodeRevocation(id, at, reason), URI);
  if (!r.ok) throw new Error('revocation');
  return { kind: 'revocation', revocation: r.value };
}
const obs = (material: KeyMaterial, at: number) => ({
  actorUri: URI,
  acct: 'bob@b.test',
  material,
  servedBy: ['https://b.test'],
  at,
});

describe('review (server): dead keys', () => {
  it('F-dead-evict: 32 self-signed revocations of throwaway keys do not bring a key revoked as compromised back as a key change', () => {
    // bob's pinned key K1. bob's instance (or whoever stole it) served a new key K; then bob's
    // revocation of K as compromised was seen: K is dead. A revocation is signed only by the key it
    // revokes, so anyone can mint revocations of fresh keys for bob's actor URI: the instance serves
    // 32 of them (one per refresh), then K's bundle again.
    const k1 = generateIdentity(URI);
    const k = generateIdentity(URI);
    let c = observe(null, obs(bundle(k1, 1), 100)).contact as Contact;
    c = observe(c, obs(bundle(k, 1), 200)).contact as Contact;
    expect(c.pendingChange).not.toBeNull();
    c = observe(c, obs(revocation(k, 250), 300)).contact as Contact;
    expect(observe(c, obs(bundle(k, 2), 310)).event).toBe('dead_key');
    for (let i = 0; i < 32; i++)
      c = observe(c, obs(revocation(generateIdentity(URI), 400 + i), 400 + i)).contact as Contact;
    const again = observe(c, obs(bundle(k, 3), 1000));
    // Secure: K stays dead (never offered to the user as a key change to accept).
    expect(again.event).toBe('dead_key');
    expect(again.contact?.pendingChange ?? null).toBeNull();
  });

  it(`revocations of keys the contact was never seen with are kept apart, the newest ${MAX_DEAD_UNSEEN} (they cost nothing to mint)`, () => {
    let c = observe(null, obs(bundle(generateIdentity(URI), 1), 100)).contact as Contact;
    const minted = Array.from({ length: 40 }, () => generateIdentity(URI));
    minted.forEach((k, i) => {
      c = observe(c, obs(revocation(k, 200 + i), 200 + i)).contact as Contact;
    });
    expect(c.deadKeys).toHaveLength(MAX_DEAD_UNSEEN);
    expect(c.deadKeys.every((d) => d.unseen === true)).toBe(true);
    // The newest are remembered: such a key served later is dead, never a key change.
    expect(observe(c, obs(bundle(minted[39] as Identity, 1), 500)).event).toBe('dead_key');
    expect(observe(c, obs(bundle(minted[0] as Identity, 1), 500)).event).toBe('key_changed');
    // The pinned key is still reported withdrawn: the profile no longer shows it.
    expect(c.withdrawn).toMatchObject({ kind: 'dead_key' });
  });

  it('other revocations keep the newest 32; a compromised one is never evicted by them', () => {
    const k1 = generateIdentity(URI);
    let c = observe(null, obs(bundle(k1, 1), 100)).contact as Contact;
    const stolen = generateIdentity(URI);
    c = observe(c, obs(bundle(stolen, 1), 110)).contact as Contact;
    c = observe(c, obs(revocation(stolen, 111), 112)).contact as Contact;
    // 40 keys served one after another (each a pending key change), each then revoked as superseded.
    for (let i = 0; i < 40; i++) {
      const k = generateIdentity(URI);
      c = observe(c, obs(bundle(k, 1), 200 + 2 * i)).contact as Contact;
      c = observe(c, obs(revocation(k, 200 + 2 * i, 'superseded'), 201 + 2 * i)).contact as Contact;
    }
    expect(c.deadKeys.filter((d) => d.reason === 'superseded')).toHaveLength(32);
    expect(c.deadKeys.filter((d) => d.reason === 'compromised')).toHaveLength(1);
    expect(observe(c, obs(bundle(stolen, 2), 400)).event).toBe('dead_key');
  });

  it(`after ${MAX_DEAD_COMPROMISED} keys revoked as compromised no further key change is offered, so none is ever evicted`, () => {
    let c = observe(null, obs(bundle(generateIdentity(URI), 1), 100)).contact as Contact;
    const first = generateIdentity(URI);
    c = observe(c, obs(bundle(first, 1), 101)).contact as Contact;
    c = observe(c, obs(revocation(first, 101), 102)).contact as Contact;
    for (let i = 1; i < MAX_DEAD_COMPROMISED; i++) {
      const k = generateIdentity(URI);
      c = observe(c, obs(bundle(k, 1), 200 + 2 * i)).contact as Contact;
      c = observe(c, obs(revocation(k, 200 + 2 * i), 201 + 2 * i)).contact as Contact;
    }
    expect(c.deadKeys).toHaveLength(MAX_DEAD_COMPROMISED);
    const next = observe(c, obs(bundle(generateIdentity(URI), 1), 1000));
    expect(next.event).toBe('dead_key');
    expect(next.contact?.pendingChange ?? null).toBeNull();
    expect(observe(c, obs(bundle(first, 2), 1001)).event).toBe('dead_key');
  });
});
