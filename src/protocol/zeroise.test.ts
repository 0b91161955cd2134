// Secrets the protocol core creates for its own use are zeroised before it returns (review finding 4).
// libsodium's functions are wrapped to capture the buffers passed in / handed back, then checked after the call.
import libsodium from 'libsodium-wrappers-sumo';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ALICE, BOB, NOW, live, mentionOf } from '../../test/vectors/fixtures';
import { exportBackup, generateRecoveryCode, importBackup } from './backup';
import { decryptMessage } from './decrypt';
import { encryptMessage } from './encrypt';
import { generateIdentity } from './identity';
import { deterministicRng, init } from './sodium';

beforeAll(async () => {
  await init();
});

afterEach(() => {
  vi.restoreAllMocks();
});

const allZero = (b: Uint8Array): boolean => b.every((x) => x === 0);

describe('zeroisation', () => {
  it('generateIdentity wipes the RNG output after identityFromSeed copied it', () => {
    let drawn: Uint8Array | undefined;
    const rng = (n: number): Uint8Array => (drawn = deterministicRng('zeroise-id')(n));
    const id = generateIdentity('https://a.example/users/a', rng);
    expect(drawn !== undefined && allZero(drawn)).toBe(true);
    expect(allZero(id.seed)).toBe(false);
  });

  it('encryptMessage wipes the padded bodies, the plaintext bytes and MK; decryptMessage the opened bodies, pieces and joined plaintext', () => {
    const [alice, bob] = [live(ALICE), live(BOB)];
    const plaintext = 'zeroise me '.repeat(150); // several chunks
    const sealedInputs: Uint8Array[] = [];
    const enc = libsodium.crypto_aead_xchacha20poly1305_ietf_encrypt.bind(libsodium);
    vi.spyOn(libsodium, 'crypto_aead_xchacha20poly1305_ietf_encrypt').mockImplementation(((
      m: Uint8Array,
      ...rest: unknown[]
    ) => {
      sealedInputs.push(m);
      return (enc as (...a: unknown[]) => Uint8Array)(m, ...rest);
    }) as typeof libsodium.crypto_aead_xchacha20poly1305_ietf_encrypt);
    const encoded: Uint8Array[] = [];
    // Node's Buffer stands in for the spied-on TextEncoder/TextDecoder (valid UTF-8 here).
    vi.spyOn(TextEncoder.prototype, 'encode').mockImplementation((s?: string) => {
      const out = Uint8Array.from(Buffer.from(s ?? '', 'utf8'));
      if (s === plaintext) encoded.push(out);
      return out;
    });
    const r = encryptMessage({
      sender: { identity: alice.identity, chain: alice.chain },
      recipients: [bob.key],
      plaintext,
      now: NOW,
      statusBudget: { mentionText: `${mentionOf(BOB)} ` },
      rng: deterministicRng('zeroise-msg'),
    });
    const n = r.ok ? r.value.statuses.length : 0;
    expect(n).toBeGreaterThanOrEqual(2);
    expect(encoded).toHaveLength(1);
    expect(encoded.every(allZero)).toBe(true);
    expect(sealedInputs.length).toBe(2 + n); // 2 MK wraps + n bodies
    expect(sealedInputs.map(allZero)).toEqual(sealedInputs.map(() => true));
    vi.restoreAllMocks();

    const opened: Uint8Array[] = [];
    const dec = libsodium.crypto_aead_xchacha20poly1305_ietf_decrypt.bind(libsodium);
    vi.spyOn(libsodium, 'crypto_aead_xchacha20poly1305_ietf_decrypt').mockImplementation(((...a: unknown[]) => {
      const out = (dec as (...x: unknown[]) => Uint8Array)(...a);
      opened.push(out);
      return out;
    }) as typeof libsodium.crypto_aead_xchacha20poly1305_ietf_decrypt);
    const decoded: Uint8Array[] = [];
    const realDecode = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
    vi.spyOn(TextDecoder.prototype, 'decode').mockImplementation((b?: AllowSharedBufferSource) => {
      if (!(b instanceof Uint8Array)) return '';
      decoded.push(b);
      return realDecode(b);
    });
    if (!r.ok) return;
    const d = decryptMessage(r.value.statuses, {
      author: alice.party,
      recipients: [bob.party],
      me: { ...bob.party, chain: bob.chain },
      now: NOW,
    });
    expect(d.ok && d.value.plaintext).toBe(plaintext);
    expect(opened.length).toBe(1 + n); // MK + n bodies
    expect(opened.map(allZero)).toEqual(opened.map(() => true));
    expect(decoded.length).toBeGreaterThanOrEqual(1);
    expect(decoded.map(allZero)).toEqual(decoded.map(() => true));
  });

  it('backup export and import wipe the Argon2id password input (label || code bytes)', () => {
    const rng = deterministicRng('zeroise-backup');
    const bob = live(BOB);
    const code = generateRecoveryCode(rng);
    const passwords: Uint8Array[] = [];
    const pw = libsodium.crypto_pwhash.bind(libsodium);
    vi.spyOn(libsodium, 'crypto_pwhash').mockImplementation(((len: number, p: Uint8Array, ...rest: unknown[]) => {
      passwords.push(p);
      return (pw as (...a: unknown[]) => Uint8Array)(len, p, ...rest);
    }) as typeof libsodium.crypto_pwhash);
    const file = exportBackup({ identity: bob.identity, chain: bob.chain }, code, { opslimit: 1, memlimit: 8192 }, rng);
    expect(importBackup(file, code).ok).toBe(true);
    expect(passwords).toHaveLength(2);
    expect(passwords.map(allZero)).toEqual([true, true]);
  });
});
