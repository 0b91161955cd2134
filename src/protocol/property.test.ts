// fast-check properties: round trips for any plaintext and recipient set; any single-byte or
// single-character change makes decryption fail with a typed reason (never succeed, never throw).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALICE, MANY, NOW, live, mentionOf, type LiveParty } from '../../test/vectors/fixtures';
import { decryptMessage, type DecryptContext } from './decrypt';
import { encryptMessage } from './encrypt';
import { encodeHush16, STATUS_PREFIX_TEXT } from './text-encoding';
import { deterministicRng, init } from './sodium';

let alice: LiveParty;
let pool: LiveParty[];

beforeAll(async () => {
  await init();
  alice = live(ALICE);
  pool = MANY.map((s) => live(s));
});

const KNOWN_REASONS = new Set([
  'not_hush',
  'malformed_text',
  'malformed',
  'unsupported_version',
  'sender_mismatch',
  'not_a_recipient',
  'recipients_mismatch',
  'bad_signature',
  'future_timestamp',
  'chunk_conflict',
  'incomplete',
  'expired_prekey',
  'unknown_prekey',
  'wrap_failed',
  'bad_commitment',
  'bad_ciphertext',
  'bad_padding',
  'bad_utf8',
]);

// Plaintext with astral, bidi controls, zero-width characters, combining marks and emoji sequences.
const tricky = fc.constantFrom(
  '\u202e',
  '\u200b',
  '\u200d',
  '\u2066',
  '\u0301',
  '👩\u200d👩\u200d👧',
  '𠀀',
  '\ufeff',
  '\n',
  '@a@b.c',
  '#tag',
  ':x:',
  'https://e.example/',
);
const plaintextArb = fc
  .array(
    fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }), tricky),
    { maxLength: 30 },
  )
  .map((a) => a.join(''));

function encryptTo(recipients: LiveParty[], plaintext: string, seed: number) {
  const r = encryptMessage({
    sender: { identity: alice.identity, chain: alice.chain },
    recipients: recipients.map((p) => p.key),
    plaintext,
    now: NOW,
    statusBudget: { mentionText: `${recipients.map((p) => mentionOf(p.spec)).join(' ')} ` },
    rng: deterministicRng(`prop/${seed}`),
  });
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

const ctxFor = (recipients: LiveParty[], me: LiveParty): DecryptContext => ({
  author: alice.party,
  recipients: recipients.map((p) => p.party),
  me: { ...me.party, chain: me.chain },
  now: NOW,
});

describe('property: round trip', () => {
  it('any plaintext to any set of 1..20 recipients decrypts for a random recipient and for the sender', () => {
    fc.assert(
      fc.property(
        plaintextArb,
        fc.subarray(
          Array.from({ length: 20 }, (_, i) => i),
          { minLength: 1 },
        ),
        fc.nat(),
        fc.nat(),
        (plaintext, idx, pick, seed) => {
          const recipients = idx.map((i) => pool[i] as LiveParty);
          const m = encryptTo(recipients, plaintext, seed);
          const reader = recipients[pick % recipients.length] as LiveParty;
          for (const me of [reader, alice]) {
            const r = decryptMessage(m.statuses, ctxFor(recipients, me));
            if (!r.ok) throw new Error(`${r.reason} ${r.detail ?? ''}`);
            expect(r.value.plaintext).toBe(plaintext);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('property: tampering', () => {
  it('flipping any bit of any byte of an envelope fails with a typed reason', () => {
    const recipients = [pool[0] as LiveParty, pool[1] as LiveParty];
    const m = encryptTo(recipients, 'tamper me', 1);
    const chunk = m.chunks[0] as Uint8Array;
    fc.assert(
      fc.property(fc.nat({ max: chunk.length - 1 }), fc.integer({ min: 1, max: 255 }), (pos, mask) => {
        const t = chunk.slice();
        t[pos] = (t[pos] ?? 0) ^ mask;
        const r = decryptMessage([t], ctxFor(recipients, pool[1] as LiveParty));
        expect(r.ok).toBe(false);
        if (!r.ok) expect(KNOWN_REASONS.has(r.reason)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('every byte position is covered: exhaustive single-byte flips of one chunk', () => {
    const recipients = [pool[2] as LiveParty];
    const m = encryptTo(recipients, 'exhaustive', 2);
    const chunk = m.chunks[0] as Uint8Array;
    for (let pos = 0; pos < chunk.length; pos++) {
      const t = chunk.slice();
      t[pos] = (t[pos] ?? 0) ^ 0x01;
      const r = decryptMessage([t], ctxFor(recipients, pool[2] as LiveParty));
      if (r.ok || !KNOWN_REASONS.has(r.reason)) throw new Error(`byte ${pos} accepted`);
    }
  });

  it('replacing any character of the status text fails with a typed reason', () => {
    const recipients = [pool[3] as LiveParty];
    const m = encryptTo(recipients, 'text tamper', 3);
    const status = m.statuses[0] ?? '';
    const chars = Array.from(status);
    const start = Array.from(`${mentionOf(recipients[0]?.spec ?? ALICE)} ${STATUS_PREFIX_TEXT}`).length;
    const replacement = fc.oneof(
      fc.nat({ max: 65535 }).map((v) => encodeHush16(new Uint8Array([v >> 8, v & 255]))),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 2 }),
    );
    fc.assert(
      fc.property(fc.integer({ min: start, max: chars.length - 1 }), replacement, (pos, rep) => {
        fc.pre(rep !== chars[pos]);
        const t = [...chars];
        t[pos] = rep;
        const r = decryptMessage([t.join('')], ctxFor(recipients, pool[3] as LiveParty));
        expect(r.ok).toBe(false);
        if (!r.ok) expect(KNOWN_REASONS.has(r.reason)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('arbitrary bytes and strings never throw and never decrypt', () => {
    const recipients = [pool[4] as LiveParty];
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 1200 }).map((b) => (b.length > 0 ? ((b[0] = 1), b) : b)),
          fc.string({ maxLength: 300 }).map((s) => STATUS_PREFIX_TEXT + s),
        ),
        (input) => {
          const r = decryptMessage([input], ctxFor(recipients, pool[4] as LiveParty));
          expect(r.ok).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });
});
