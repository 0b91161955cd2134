// MUST-REJECT vectors for the limits, orderings and edge cases of issue #19: every rule of docs/PROTOCOL.md
// that the first set of vectors (build-rejects.ts) left without one. Appended after those, so the older
// vectors keep their place and bytes.
import {
  encodeBackupPlaintext,
  exportBackup,
  generateRecoveryCode,
  sealBackupPlaintext,
} from '../../src/protocol/backup';
import { encodeBundle } from '../../src/protocol/bundle';
import { concat, fromBase64Url, lp, toBase64Url, toHex, u32, u8, utf8 } from '../../src/protocol/bytes';
import { chunkCapacityBytes } from '../../src/protocol/encrypt';
import type { Identity } from '../../src/protocol/identity';
import { LABEL } from '../../src/protocol/labels';
import { planChunks } from '../../src/protocol/chunking';
import { currentPrekey } from '../../src/protocol/prekey-chain';
import { deterministicRng, sodium } from '../../src/protocol/sodium';
import { encodeHush16, STATUS_PREFIX_TEXT } from '../../src/protocol/text-encoding';
import { ALICE, BOB, CAROL, MALLORY, MANY, NOW, live, mentionOf, type LiveParty } from './fixtures';
import { forgeChunks, type ForgeSpec } from './forge';
import { ref, type EncryptRecipientRef, type PartyRef, type ReceiverCase, type RejectVector } from './build-rejects';

/** Group order of Ed25519 (ℓ). */
const ED_L = (1n << 252n) + 27742317777372353535851937790883648493n;

const leToBig = (b: Uint8Array): bigint => {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i] ?? 0);
  return n;
};
const bigToLe = (n: bigint, len = 32): Uint8Array => {
  const out = new Uint8Array(len);
  let x = n;
  for (let i = 0; i < len; i++) {
    out[i] = Number(x & 255n);
    x >>= 8n;
  }
  return out;
};

/** Encoding of the neutral element (y = 1): canonical, order 1. */
const ED_IDENTITY = bigToLe(1n);
/** y = p + 1 = 2^255 − 18: a non-canonical encoding of the same neutral element. */
const ED_IDENTITY_NONCANONICAL = bigToLe((1n << 255n) - 18n);

/** Parties the receiver's mention list may hold, with made-up keys (only hashed, never used for DH). */
function crowd(n: number): PartyRef[] {
  const rng = deterministicRng('hush-vectors/crowd');
  return Array.from({ length: n }, (_, i) => ({
    actorUri: `https://crowd.example/users/u${String(i + 1).padStart(3, '0')}`,
    identityPk: toHex(rng(32)),
  }));
}

export function buildEdgeRejects(): RejectVector[] {
  return [...envelopeEdges(), ...bundleEdges(), ...revocationEdges(), ...backupEdges(), ...encryptEdges()];
}

function envelopeEdges(): RejectVector[] {
  const alice = live(ALICE);
  const bob = live(BOB);
  const carol = live(CAROL);
  const head = `${mentionOf(BOB)} ${STATUS_PREFIX_TEXT}`;
  const capacity = chunkCapacityBytes({ mentionText: `${mentionOf(BOB)} ` });
  const base = (name: string, over: Partial<ForgeSpec> = {}): ForgeSpec => ({
    sender: alice.identity,
    recipients: [bob.key],
    senderPrekey: currentPrekey(alice.chain),
    plaintext: utf8('Meet me at the usual place.'),
    now: NOW,
    capacity,
    rng: deterministicRng(`hush-vectors/reject-edge/${name}`),
    ...over,
  });
  const txt = (c: Uint8Array): string => head + encodeHush16(c);
  const toBob = { author: ref(alice), recipients: [ref(bob)], me: { name: 'bob', chainAt: NOW }, now: NOW };
  const authorReads = { me: { name: 'alice', chainAt: NOW } };
  const env = (
    name: string,
    reason: string,
    inputs: string[],
    ctx: Partial<Omit<ReceiverCase, 'format' | 'inputs'>> = {},
  ): RejectVector => ({ kind: 'envelope', name, reason, format: 'text', inputs, ...toBob, ...ctx });
  const m = forgeChunks(base('m'));
  const mc = m.chunks[0] as Uint8Array;
  const mtext = txt(mc);

  // Invalid UTF-8 only once the pieces are joined: chunk 0 ends with E2 82 (two bytes of a three-byte
  // sequence), chunk 1 starts with ASCII.
  const plan = planChunks(capacity, 2, 2000, false);
  if (!plan.ok) throw new Error('edge vectors: plan');
  const cut = (plan.value[0] as { pieceEnd: number }).pieceEnd;
  const splitBad = concat(utf8('a'.repeat(cut - 2)), new Uint8Array([0xe2, 0x82]), utf8('b'.repeat(300)));
  const split = forgeChunks(base('utf8-split', { plaintext: splitBad }));
  if (split.chunks.length !== 2) throw new Error('edge vectors: split message must have 2 chunks');

  const badSig = txt(mc.map((x, i, a) => (i === a.length - 1 ? x ^ 1 : x)));
  const malformedSecond = txt(mc.slice(0, 100));

  return [
    // §4.6 text decoding: more than 8192 characters after the prefix (all in the BMP: 8193 UTF-16 units).
    env('status-over-8192-characters', 'malformed_text', [head + String.fromCodePoint(0x3400).repeat(8193)]),
    // §4.10 step 0: more than 64 inputs, before anything else is looked at.
    env(
      'more-than-64-inputs',
      'malformed',
      Array.from({ length: 65 }, () => mtext),
    ),
    // §4.10 steps 1-8 run input by input: input 0 fails at step 7 before input 1 (truncated, step 4) is parsed.
    env('first-input-bad-signature-second-truncated', 'bad_signature', [badSig, malformedSecond]),
    // §4.5 structure: wrap_start + wrap_count above 51.
    env('wrap-start-plus-count-over-51', 'malformed', [txt(mc.map((x, i) => (i === 32 ? 50 : x)))]),
    // §4.1 recipient list rules on the receiver side. An invalid list: a non-author receiver is never "in" it.
    env('context-over-200-entries', 'not_a_recipient', [mtext], { recipients: [ref(bob), ...crowd(200)] }),
    env('context-over-200-entries-author-reads', 'recipients_mismatch', [mtext], {
      recipients: [ref(bob), ...crowd(200)],
      ...authorReads,
    }),
    env('recipients-empty-author-reads', 'recipients_mismatch', [mtext], { recipients: [], ...authorReads }),
    env('recipients-empty', 'not_a_recipient', [mtext], { recipients: [] }),
    env('recipients-51-author-reads', 'recipients_mismatch', [mtext], {
      recipients: [ref(bob), ...crowd(50)],
      ...authorReads,
    }),
    env('recipients-duplicate-key-author-reads', 'recipients_mismatch', [mtext], {
      recipients: [ref(bob), { actorUri: CAROL.actorUri, identityPk: ref(bob).identityPk }],
      ...authorReads,
    }),
    env('recipients-same-uri-two-keys-author-reads', 'recipients_mismatch', [mtext], {
      recipients: [ref(bob), { actorUri: BOB.actorUri, identityPk: ref(carol).identityPk }],
      ...authorReads,
    }),
    env('recipient-holds-author-key-author-reads', 'recipients_mismatch', [mtext], {
      recipients: [ref(bob), { actorUri: CAROL.actorUri, identityPk: ref(alice).identityPk }],
      ...authorReads,
    }),
    env('recipient-actor-uri-too-long-author-reads', 'recipients_mismatch', [mtext], {
      recipients: [
        ref(bob),
        { actorUri: `https://long.example/${'x'.repeat(2049 - 21)}`, identityPk: ref(carol).identityPk },
      ],
      ...authorReads,
    }),
    // The receiver matches itself by actor URI AND key: same URI with another key is not addressed.
    env('receiver-key-differs-from-pinned', 'not_a_recipient', [mtext], {
      recipients: [{ actorUri: BOB.actorUri, identityPk: ref(carol).identityPk }],
    }),
    // §4.10 step 8 boundary: created_at = now + 601.
    env('created-at-601-s-ahead', 'future_timestamp', [
      txt(forgeChunks(base('future-601', { now: NOW + 601 })).chunks[0] as Uint8Array),
    ]),
    // §4.10 step 13: an all-zero X25519 result (epk of small order) is wrap_failed.
    env('epk-all-zero', 'wrap_failed', [
      txt(
        forgeChunks(base('epk-zero', { hooks: { header: (h) => ({ ...h, epk: new Uint8Array(32) }) } }))
          .chunks[0] as Uint8Array,
      ),
    ]),
    // §4.10 step 15: UTF-8 is checked on the joined plaintext, not per piece.
    env('invalid-utf8-across-chunk-boundary', 'bad_utf8', split.chunks.map(txt)),
  ];
}

/** A bundle signed over arbitrary bytes: for records a conforming encoder never writes. */
function signedField(prefix: string, label: string, identity: Identity, actorUri: string, body: Uint8Array): string {
  const sig = sodium().crypto_sign_detached(concat(lp(label), lp(actorUri), body), identity.secretKey);
  return `${prefix} ${toBase64Url(concat(body, sig))}`;
}

/** Ed25519 secret scalar of a seed (RFC 8032 §5.1.5). */
function secretScalar(seed: Uint8Array): bigint {
  const h = sodium().crypto_hash_sha512(seed).slice(0, 32);
  h[0] = (h[0] ?? 0) & 248;
  h[31] = ((h[31] ?? 0) & 127) | 64;
  return leToBig(h);
}

function bundleEdges(): RejectVector[] {
  const s = sodium();
  const alice = live(ALICE);
  const pre = currentPrekey(alice.chain);
  const field = encodeBundle(alice.identity, pre.epoch, pre.publicKey);
  const bytes = fromBase64Url(field.slice('Hush encryption key '.length)) as Uint8Array;
  const b = (name: string, reason: string, f: string, actorUri = ALICE.actorUri): RejectVector => ({
    kind: 'bundle',
    name,
    reason,
    field: f,
    actorUri,
  });
  const asField = (x: Uint8Array): string => `Hush encryption key ${toBase64Url(x)}`;
  const signedInput = (body: Uint8Array): Uint8Array => concat(lp(LABEL.bundleSig), lp(ALICE.actorUri), body);

  // Non-canonical S: S + ℓ instead of S (same point equation, rejected because S ≥ ℓ).
  const sPlusL = bytes.slice();
  sPlusL.set(bigToLe(leToBig(bytes.slice(102, 134)) + ED_L), 102);

  // Small-order identity key A: with A the neutral element, R = [S]B satisfies the (cofactorless and the
  // cofactored) equation for any message; a verifier that accepts small-order keys accepts it.
  const trivialSig = (): Uint8Array => concat(s.crypto_scalarmult_ed25519_base_noclamp(bigToLe(5n)), bigToLe(5n));
  const withKey = (pk: Uint8Array): Uint8Array => {
    const body = concat(bytes.slice(0, 6), pk, bytes.slice(38, 70));
    return concat(body, trivialSig());
  };

  // Small-order R with alice's real key: R = neutral element, S = k·a mod ℓ, so [S]B = [k]A and the
  // equation holds exactly; only the rule "R must not have small order" rejects it.
  const body = bytes.slice(0, 70);
  const k = leToBig(s.crypto_hash_sha512(concat(ED_IDENTITY, alice.identity.publicKey, signedInput(body)))) % ED_L;
  const S = (k * secretScalar(alice.identity.seed)) % ED_L;
  if (
    !equalBytes(
      s.crypto_scalarmult_ed25519_base_noclamp(bigToLe(S)),
      s.crypto_scalarmult_ed25519_noclamp(bigToLe(k), alice.identity.publicKey),
    )
  ) {
    throw new Error('edge vectors: [S]B must equal [k]A');
  }
  const smallR = concat(body, ED_IDENTITY, bigToLe(S));

  const wrongType = bytes.slice();
  wrongType[1] = 0x02;
  const revocationField = `Hush key revoked ${toBase64Url(bytes)}`;

  return [
    // §3.4 step 1: more than 1024 UTF-16 code units, counted before trimming.
    b('bundle-field-over-1024-code-units', 'malformed', `${field}${' '.repeat(1025 - field.length)}`),
    // §3.4 step 3: the prefix decides the record type; a bundle parser does not read a revocation.
    b('bundle-parser-given-revocation-prefix', 'not_hush', revocationField),
    b('bundle-wrong-type-byte', 'malformed', asField(wrongType)),
    b('bundle-actor-uri-empty', 'malformed', field, ''),
    b('bundle-actor-uri-over-2048-bytes', 'malformed', field, `https://alice.example/${'a'.repeat(2049 - 22)}`),
    b('bundle-trailing-text-after-token', 'malformed', `${field} more`),
    // §1 Ed25519 verification (libsodium rules).
    b('ed25519-s-not-canonical', 'bad_signature', asField(sPlusL)),
    b('ed25519-key-small-order', 'bad_signature', asField(withKey(ED_IDENTITY))),
    b('ed25519-key-small-order-noncanonical', 'bad_signature', asField(withKey(ED_IDENTITY_NONCANONICAL))),
    b('ed25519-r-small-order', 'bad_signature', asField(smallR)),
  ];
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function revocationEdges(): RejectVector[] {
  const alice = live(ALICE);
  const mallory = live(MALLORY);
  const pre = currentPrekey(alice.chain);
  const r = (name: string, reason: string, field: string, actorUri = ALICE.actorUri): RejectVector => ({
    kind: 'revocation',
    name,
    reason,
    field,
    actorUri,
  });
  const revBody = (reason: number): Uint8Array => concat(u8(1), u8(2), alice.identity.publicKey, u32(NOW), u8(reason));
  const good = signedField('Hush key revoked', LABEL.revocationSig, alice.identity, ALICE.actorUri, revBody(1));
  return [
    r(
      'revocation-reason-3',
      'malformed',
      signedField('Hush key revoked', LABEL.revocationSig, alice.identity, ALICE.actorUri, revBody(3)),
    ),
    r('revocation-on-another-account', 'bad_signature', good, mallory.spec.actorUri),
    r(
      'revocation-signed-by-other-key',
      'bad_signature',
      (() => {
        const body = revBody(1);
        const sig = sodium().crypto_sign_detached(
          concat(lp(LABEL.revocationSig), lp(ALICE.actorUri), body),
          mallory.identity.secretKey,
        );
        return `Hush key revoked ${toBase64Url(concat(body, sig))}`;
      })(),
    ),
    r(
      'revocation-bundle-label',
      'bad_signature',
      signedField('Hush key revoked', LABEL.bundleSig, alice.identity, ALICE.actorUri, revBody(1)),
    ),
    r('revocation-parser-given-bundle', 'not_hush', encodeBundle(alice.identity, pre.epoch, pre.publicKey)),
    r(
      'revocation-102-bytes',
      'malformed',
      `Hush key revoked ${toBase64Url((fromBase64Url(good.slice(17)) as Uint8Array).slice(0, 102))}`,
    ),
    r('revocation-actor-uri-empty', 'malformed', good, ''),
    r(
      'revocation-version-2',
      'unsupported_version',
      `Hush key revoked ${toBase64Url(concat(u8(2), (fromBase64Url(good.slice(17)) as Uint8Array).slice(1)))}`,
    ),
  ];
}

function backupEdges(): RejectVector[] {
  const bob = live(BOB);
  const code = generateRecoveryCode(deterministicRng('hush-vectors/reject-backup-code'));
  const kdf = { opslimit: 1, memlimit: 8192 };
  const file = exportBackup(
    { identity: bob.identity, chain: bob.chain },
    code,
    kdf,
    deterministicRng('hush-vectors/reject-backup'),
  );
  const k = (name: string, reason: string, f: Uint8Array): RejectVector => ({
    kind: 'backup',
    name,
    reason,
    file: toHex(f),
    recoveryCode: code,
  });
  const edit = (f: (b: Uint8Array) => void): Uint8Array => {
    const b = file.slice();
    f(b);
    return b;
  };
  const plain = encodeBackupPlaintext({ identity: bob.identity, chain: bob.chain });
  const seal = (name: string, p: Uint8Array): Uint8Array =>
    sealBackupPlaintext(p, code, kdf, deterministicRng(`hush-vectors/reject-backup-edge/${name}`));
  const c = (name: string, p: Uint8Array): RejectVector => k(name, 'malformed', seal(name, p));
  const uriLen = utf8(BOB.actorUri).length;
  // Period 59 s with an otherwise consistent chain (origin, epoch and current secret unchanged).
  const chain = bob.chain;
  const p59 = encodeBackupPlaintext({ identity: bob.identity, chain: { ...chain, period: 59 } });
  const noRetained = encodeBackupPlaintext({ identity: bob.identity, chain: { ...chain, retained: [] } });
  const badUri = plain.slice();
  badUri[3] = 0xff; // first byte of the actor URI ('h') -> 0xFF: not UTF-8
  const emptyUri = concat(u8(1), lp(''), plain.slice(3 + uriLen));
  return [
    k('backup-shorter-than-minimum', 'malformed', file.slice(0, 65)),
    k('backup-shorter-than-header', 'malformed', file.slice(0, 40)),
    k(
      'backup-type-byte-1',
      'malformed',
      edit((b) => (b[1] = 1)),
    ),
    k(
      'backup-opslimit-0',
      'unsupported_params',
      edit((b) => (b[5] = 0)),
    ),
    k(
      'backup-memlimit-8191',
      'unsupported_params',
      edit((b) => b.set(u32(8191), 6)),
    ),
    c('backup-period-59', p59),
    c('backup-no-retained-prekeys', noRetained),
    c('backup-plaintext-trailing-byte', concat(plain, u8(0))),
    c('backup-plaintext-truncated', plain.slice(0, plain.length - 1)),
    c('backup-plaintext-version-2', concat(u8(2), plain.slice(1))),
    c('backup-actor-uri-not-utf8', badUri),
    c('backup-actor-uri-empty', emptyUri),
  ];
}

function encryptEdges(): RejectVector[] {
  const alice = live(ALICE);
  const bob = live(BOB);
  const carol = live(CAROL);
  const key = (p: LiveParty): EncryptRecipientRef => ({
    actorUri: p.spec.actorUri,
    identityPk: toHex(p.identity.publicKey),
    prekeyPk: toHex(p.key.prekeyPk),
    epoch: p.key.epoch,
  });
  const fake = crowd(51).map((p, i) => ({
    ...p,
    prekeyPk: toHex(deterministicRng(`hush-vectors/crowd-prekey/${i}`)(32)),
    epoch: 0,
  }));
  const mentions = (rs: readonly EncryptRecipientRef[]): string =>
    `${rs.map((r) => `@${r.actorUri.split('/').pop() ?? ''}@${new URL(r.actorUri).host}`).join(' ')} `;
  const e = (
    name: string,
    reason: string,
    recipients: readonly EncryptRecipientRef[],
    over: { plaintext?: string; replyTo?: string | null; maxChars?: number; now?: number; mentionText?: string } = {},
  ): RejectVector => ({
    kind: 'encrypt',
    name,
    reason,
    sender: 'alice',
    senderChainAt: NOW,
    recipients,
    plaintext: over.plaintext ?? 'Hello.',
    replyTo: over.replyTo ?? null,
    now: over.now ?? NOW,
    mentionText: over.mentionText ?? mentions(recipients),
    maxChars: over.maxChars ?? 500,
  });
  const many = MANY.map((p) => key(live(p)));
  return [
    e('encrypt-no-recipients', 'bad_recipients', []),
    e('encrypt-51-recipients', 'bad_recipients', fake, { mentionText: '' }),
    e('encrypt-duplicate-identity-key', 'bad_recipients', [
      key(bob),
      { ...key(carol), identityPk: key(bob).identityPk },
    ]),
    e('encrypt-same-actor-two-keys', 'bad_recipients', [key(bob), { ...key(carol), actorUri: BOB.actorUri }]),
    e('encrypt-sender-among-recipients', 'bad_recipients', [key(bob), key(alice)]),
    e('encrypt-recipient-actor-uri-empty', 'bad_recipients', [{ ...key(bob), actorUri: '' }], {
      mentionText: '@bob@social.example ',
    }),
    e('encrypt-prekey-all-zero', 'bad_prekey', [{ ...key(bob), prekeyPk: toHex(new Uint8Array(32)) }]),
    e('encrypt-prekey-wrong-length', 'bad_prekey', [{ ...key(bob), prekeyPk: toHex(new Uint8Array(31).fill(9)) }]),
    e('encrypt-more-than-16-chunks', 'too_long', [key(bob)], { plaintext: 'x'.repeat(16 * 900) }),
    e('encrypt-budget-too-small', 'budget_too_small', [key(bob)], { maxChars: 80 }),
    e('encrypt-twenty-recipients-small-instance', 'budget_too_small', many, { maxChars: 200 }),
    e('encrypt-budget-negative', 'budget_too_small', [key(bob)], { maxChars: 20 }),
    e('encrypt-reply-to-15-bytes', 'bad_input', [key(bob)], { replyTo: 'ab'.repeat(15) }),
    e('encrypt-now-beyond-u32', 'bad_input', [key(bob)], { now: 2 ** 32 }),
  ];
}
