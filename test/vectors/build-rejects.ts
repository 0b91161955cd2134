// MUST-REJECT vectors: each names the exact failure reason a conforming receiver returns.
import {
  encodeBackupPlaintext,
  exportBackup,
  generateRecoveryCode,
  sealBackupPlaintext,
} from '../../src/protocol/backup';
import { encodeBundle, encodeRevocation, type RevocationReason } from '../../src/protocol/bundle';
import { concat, toHex, utf8 } from '../../src/protocol/bytes';
import { chunkCapacityBytes } from '../../src/protocol/encrypt';
import { keyId } from '../../src/protocol/identity';
import { contextHash } from '../../src/protocol/message-crypto';
import { currentPrekey, prekeyFromChainSecret, type PrekeyChainState } from '../../src/protocol/prekey-chain';
import { deterministicRng } from '../../src/protocol/sodium';
import { encodeHush16, STATUS_PREFIX_TEXT } from '../../src/protocol/text-encoding';
import {
  ALICE,
  BOB,
  CAROL,
  DAVE,
  MALLORY,
  NOW,
  WEEK,
  live,
  mentionOf,
  prekeyAtEpoch,
  type LiveParty,
  type PartySpec,
} from './fixtures';
import { forgeChunks, patchAndResign, type ForgeSpec } from './forge';

export interface PartyRef {
  readonly actorUri: string;
  readonly identityPk: string;
}

/**
 * A revocation the receiver's key store holds: the profile field value and the account it was read from. A
 * runner parses and verifies it (§3) and must get the decoded fields listed next to it.
 */
export interface RevocationRef {
  readonly actorUri: string;
  readonly field: string;
  readonly identityPk: string;
  readonly reason: string;
  readonly revokedAt: number;
}

/** What a receiver knows when an envelope case runs (§4.10 inputs). */
export interface ReceiverCase {
  readonly format: 'text' | 'hex';
  readonly inputs: readonly string[];
  readonly author: PartyRef;
  readonly recipients: readonly PartyRef[];
  /** Receiver: party name from parties.json, its chain advanced and pruned (default grace) to chainAt. */
  readonly me: { readonly name: string; readonly chainAt: number };
  readonly now: number;
  /** Verified revocations known to the receiver (absent: none). */
  readonly revocations?: readonly RevocationRef[];
}

/** A recipient as the sender's key store holds it (§4.1): identity plus the current bundle's prekey and epoch. */
export interface EncryptRecipientRef extends PartyRef {
  readonly prekeyPk: string;
  readonly epoch: number;
}

export type RejectVector =
  | ({ readonly kind: 'envelope'; readonly name: string; readonly reason: string } & ReceiverCase)
  | {
      readonly kind: 'bundle';
      readonly name: string;
      readonly reason: string;
      readonly field: string;
      readonly actorUri: string;
    }
  | {
      readonly kind: 'revocation';
      readonly name: string;
      readonly reason: string;
      readonly field: string;
      readonly actorUri: string;
    }
  | {
      readonly kind: 'backup';
      readonly name: string;
      readonly reason: string;
      readonly file: string;
      readonly recoveryCode: string;
    }
  | {
      /** Sender side: encryptMessage refuses. The sender is a party of parties.json. */
      readonly kind: 'encrypt';
      readonly name: string;
      readonly reason: string;
      readonly sender: string;
      /** The sender's chain is advanced and pruned (default grace) to this time. */
      readonly senderChainAt: number;
      readonly recipients: readonly EncryptRecipientRef[];
      readonly plaintext: string;
      readonly replyTo: string | null;
      readonly now: number;
      readonly mentionText: string;
      readonly maxChars: number;
    };

export const ref = (p: LiveParty): PartyRef => ({ actorUri: p.spec.actorUri, identityPk: toHex(p.identity.publicKey) });

/** A revocation record signed by `p`, as the receiver's key store would hold it. */
export function revocationOf(p: LiveParty, revokedAt: number, reason: RevocationReason): RevocationRef {
  return {
    actorUri: p.spec.actorUri,
    field: encodeRevocation(p.identity, revokedAt, reason),
    identityPk: toHex(p.identity.publicKey),
    reason,
    revokedAt,
  };
}

export function buildRejects(): RejectVector[] {
  const alice = live(ALICE);
  const bob = live(BOB);
  const carol = live(CAROL);
  const dave = live(DAVE);
  const mallory = live(MALLORY);
  const head = `${mentionOf(BOB)} ${STATUS_PREFIX_TEXT}`;
  const capacity = chunkCapacityBytes({ mentionText: `${mentionOf(BOB)} ` }) & ~1;
  const alicePre = currentPrekey(alice.chain);
  let n = 0;
  const base = (over: Partial<ForgeSpec> = {}): ForgeSpec => ({
    sender: alice.identity,
    recipients: [bob.key],
    senderPrekey: alicePre,
    plaintext: utf8('Meet me at the usual place.'),
    now: NOW,
    capacity,
    rng: deterministicRng(`hush-vectors/reject/${n++}`),
    ...over,
  });
  const m1 = forgeChunks(base());
  const m1c = m1.chunks[0] as Uint8Array;
  const m2 = forgeChunks(base({ plaintext: utf8('A long message. '.repeat(100)) }));
  const m2b = forgeChunks(base({ plaintext: utf8('Another long one. '.repeat(100)) }));
  const m3 = forgeChunks(base({ recipients: [bob.key, carol.key] }));
  const txt = (c: Uint8Array): string => head + encodeHush16(c);
  const patch = (c: Uint8Array, f: (b: Uint8Array) => void): Uint8Array => {
    const b = c.slice();
    f(b);
    return b;
  };
  const toBob = { author: ref(alice), recipients: [ref(bob)], me: { name: 'bob', chainAt: NOW }, now: NOW };
  const env = (
    name: string,
    reason: string,
    inputs: string[],
    ctx: Partial<Omit<ReceiverCase, 'format' | 'inputs'>> = {},
  ): RejectVector => ({ kind: 'envelope', name, reason, format: 'text', inputs, ...toBob, ...ctx });
  const m1text = txt(m1c);
  const mid = Math.floor(Array.from(m1text).length / 2);
  const insertAt = (t: string, s: string): string => {
    const cps = Array.from(t);
    cps.splice(mid, 0, s);
    return cps.join('');
  };
  const aliceCtx = contextHash(alice.party, [bob.party]);
  const bobOld = prekeyAtEpoch(BOB, 0);
  const mk2 = deterministicRng('hush-vectors/other-mk')(32);

  const out: RejectVector[] = [
    env('plain-status', 'not_hush', ['@bob Just a normal DM, nothing encrypted.']),
    env('base64-after-prefix', 'malformed_text', [`${head}SGVsbG8gd29ybGQ`]),
    env('tail-char-in-middle', 'malformed_text', [insertAt(m1text, String.fromCodePoint(0x29441))]),
    env('emoji-appended', 'malformed_text', [`${m1text}🙂`]),
    env('prefix-only', 'malformed_text', [head]),
    env('zero-width-joiner-inserted', 'malformed_text', [insertAt(m1text, '\u200d')]),
    env('too-short', 'malformed', [head + encodeHush16(m1c.slice(0, 10))]),
    env('version-2', 'unsupported_version', [txt(patch(m1c, (b) => (b[0] = 2)))]),
    env('version-0', 'unsupported_version', [txt(patch(m1c, (b) => (b[0] = 0)))]),
    env('reserved-flag-bit', 'malformed', [txt(patch(m1c, (b) => (b[1] = 2)))]),
    env('chunk-count-zero', 'malformed', [txt(patch(m1c, (b) => (b[3] = 0)))]),
    env('chunk-index-not-below-count', 'malformed', [txt(patch(m1c, (b) => (b[2] = 1)))]),
    env('chunk-count-17', 'malformed', [txt(patch(m1c, (b) => ((b[2] = 0), (b[3] = 17))))]),
    env('wrap-count-52', 'malformed', [txt(patch(m1c, (b) => (b[33] = 52)))]),
    env('truncated', 'malformed', [txt(m1c.slice(0, 150))]),
    {
      ...toBob,
      kind: 'envelope',
      name: 'oversized-chunk',
      reason: 'malformed',
      format: 'hex',
      inputs: [toHex(concat(m1c, new Uint8Array(16384 - m1c.length + 1)))],
    },
    env('status-reposted-by-other-author', 'sender_mismatch', [m1text], { author: ref(mallory) }),
    env('sender-key-id-edited', 'sender_mismatch', [txt(patch(m1c, (b) => (b[24] = (b[24] ?? 0) ^ 1)))]),
    env('receiver-not-addressed', 'not_a_recipient', [m1text], { me: { name: 'dave', chainAt: NOW } }),
    env('mention-dropped-by-server', 'recipients_mismatch', [txt(m3.chunks[0] as Uint8Array)]),
    env('mention-added-by-server', 'recipients_mismatch', [m1text], { recipients: [ref(bob), ref(dave)] }),
    env('co-recipient-key-swapped', 'recipients_mismatch', [txt(m3.chunks[0] as Uint8Array)], {
      recipients: [ref(bob), { actorUri: CAROL.actorUri, identityPk: toHex(mallory.identity.publicKey) }],
    }),
    env('author-actor-uri-changed', 'recipients_mismatch', [m1text], {
      author: { actorUri: 'https://evil.example/users/alice', identityPk: toHex(alice.identity.publicKey) },
    }),
    env('context-check-edited', 'recipients_mismatch', [txt(patch(m1c, (b) => (b[28] = (b[28] ?? 0) ^ 0x80)))]),
    env('body-byte-flipped', 'bad_signature', [txt(patch(m1c, (b) => (b[300] = (b[300] ?? 0) ^ 1)))]),
    env('signature-byte-flipped', 'bad_signature', [
      txt(patch(m1c, (b) => (b[b.length - 1] = (b[b.length - 1] ?? 0) ^ 1))),
    ]),
    env('created-at-edited', 'bad_signature', [txt(patch(m1c, (b) => (b[23] = (b[23] ?? 0) ^ 1)))]),
    env('message-id-edited', 'bad_signature', [txt(patch(m1c, (b) => (b[5] = (b[5] ?? 0) ^ 1)))]),
    env('wrap-byte-flipped', 'bad_signature', [txt(patch(m1c, (b) => (b[120] = (b[120] ?? 0) ^ 1)))]),
    env('forged-by-other-key', 'bad_signature', [
      txt(
        forgeChunks(
          base({
            sender: mallory.identity,
            senderPrekey: currentPrekey(mallory.chain),
            hooks: {
              header: (h) => ({
                ...h,
                senderKeyId: keyId(alice.identity.publicKey),
                contextCheck: aliceCtx.slice(0, 4),
              }),
            },
          }),
        ).chunks[0] as Uint8Array,
      ),
    ]),
    env('from-the-future', 'future_timestamp', [txt(forgeChunks(base({ now: NOW + 3600 })).chunks[0] as Uint8Array)]),
    env('chunks-of-two-messages', 'chunk_conflict', [
      txt(m2.chunks[0] as Uint8Array),
      txt(m2b.chunks[1] as Uint8Array),
    ]),
    env('equivocating-duplicate-chunk', 'chunk_conflict', [
      txt(m2.chunks[0] as Uint8Array),
      txt(
        patchAndResign(m2.chunks[0] as Uint8Array, alice.identity, m2.context, (b) =>
          patch(b, (x) => (x[x.length - 5] = (x[x.length - 5] ?? 0) ^ 1)),
        ),
      ),
      ...m2.chunks.slice(1).map(txt),
    ]),
    env('middle-chunk-missing', 'incomplete', [txt(m2.chunks[0] as Uint8Array), ...m2.chunks.slice(2).map(txt)]),
    env('only-last-chunk', 'incomplete', [txt(m2.chunks[m2.chunks.length - 1] as Uint8Array)]),
    env('no-chunks', 'incomplete', []),
    env('wrap-layout-gap', 'chunk_conflict', [
      txt(forgeChunks(base({ hooks: { header: (h) => ({ ...h, wrapStart: 1 }) } })).chunks[0] as Uint8Array),
    ]),
    env('wrap-missing', 'chunk_conflict', [
      txt(
        forgeChunks(base({ hooks: { header: (h) => ({ ...h, wraps: h.wraps.slice(0, 1) }) } })).chunks[0] as Uint8Array,
      ),
    ]),
    env(
      'prekey-past-grace-window',
      'expired_prekey',
      [
        txt(
          forgeChunks(base({ recipients: [{ ...bob.key, prekeyPk: bobOld.publicKey, epoch: bobOld.epoch }] }))
            .chunks[0] as Uint8Array,
        ),
      ],
      {
        me: { name: 'bob', chainAt: NOW + 8 * WEEK },
        now: NOW + 8 * WEEK,
      },
    ),
    env('prekey-epoch-never-existed', 'unknown_prekey', [
      txt(forgeChunks(base({ recipients: [{ ...bob.key, epoch: 200 }] })).chunks[0] as Uint8Array),
    ]),
    env('wrapped-to-swapped-prekey', 'wrap_failed', [
      txt(
        forgeChunks(base({ recipients: [{ ...bob.key, prekeyPk: currentPrekey(mallory.chain).publicKey }] }))
          .chunks[0] as Uint8Array,
      ),
    ]),
    env('garbage-wrap-signed-by-sender', 'wrap_failed', [
      txt(
        patchAndResign(m1c, alice.identity, m1.context, (b) =>
          patch(b, (x) => (x[34 + 64 + 10] = (x[34 + 64 + 10] ?? 0) ^ 1)),
        ),
      ),
    ]),
    env('commitment-to-other-key', 'bad_commitment', [
      txt(forgeChunks(base({ hooks: { commitment: () => mk2 } })).chunks[0] as Uint8Array),
    ]),
    env('body-under-other-key', 'bad_ciphertext', [
      txt(forgeChunks(base({ hooks: { bodyMk: mk2 } })).chunks[0] as Uint8Array),
    ]),
    env('body-byte-flipped-signed-by-sender', 'bad_ciphertext', [
      txt(patchAndResign(m1c, alice.identity, m1.context, (b) => patch(b, (x) => (x[300] = (x[300] ?? 0) ^ 1)))),
    ]),
    env('padding-marker-missing', 'bad_padding', [
      txt(forgeChunks(base({ hooks: { padded: (_i, p) => new Uint8Array(p.length) } })).chunks[0] as Uint8Array),
    ]),
    env('padding-not-zero', 'bad_padding', [
      txt(
        forgeChunks(base({ hooks: { padded: (_i, p) => patch(p, (x) => (x[x.length - 1] = 1)) } }))
          .chunks[0] as Uint8Array,
      ),
    ]),
    env('invalid-utf8', 'bad_utf8', [
      txt(forgeChunks(base({ plaintext: new Uint8Array([0x48, 0xff, 0xfe, 0x49]) })).chunks[0] as Uint8Array),
    ]),
    ...bundleRejects(alice, mallory),
    ...backupRejects(bob),
    // §3 revocation rule, checked right after the signature (§4.10 step 7a).
    env('signed-by-key-revoked-as-compromised', 'revoked_key', [m1text], {
      revocations: [revocationOf(alice, NOW + 3600, 'compromised')],
    }),
    env('created-at-equal-to-superseded-revocation', 'revoked_key', [m1text], {
      revocations: [revocationOf(alice, NOW, 'superseded')],
    }),
    env('created-at-after-unspecified-revocation', 'revoked_key', [m1text], {
      revocations: [revocationOf(alice, NOW - 3600, 'unspecified')],
    }),
    env('revoked-key-but-bad-signature', 'bad_signature', [txt(patch(m1c, (b) => (b[300] = (b[300] ?? 0) ^ 1)))], {
      revocations: [revocationOf(alice, NOW + 3600, 'compromised')],
    }),
  ];
  return out;
}

function bundleRejects(alice: LiveParty, mallory: LiveParty): RejectVector[] {
  const pre = currentPrekey(alice.chain);
  const field = encodeBundle(alice.identity, pre.epoch, pre.publicKey);
  const token = field.split(' ').pop() ?? '';
  const b = (name: string, reason: string, f: string, actorUri = ALICE.actorUri): RejectVector => ({
    kind: 'bundle',
    name,
    reason,
    field: f,
    actorUri,
  });
  const flip = (i: number): string => {
    const chars = Array.from(token);
    chars[i] = chars[i] === 'A' ? 'B' : 'A';
    return `Hush encryption key ${chars.join('')}`;
  };
  return [
    b('bundle-not-hush', 'not_hush', 'https://alice.example/@alice'),
    b('bundle-bad-base64', 'malformed', field.replace(/.$/u, '*')),
    b('bundle-padding-added', 'malformed', `${field}==`),
    b('bundle-truncated', 'malformed', field.slice(0, -8)),
    b('bundle-version-2', 'unsupported_version', `Hush encryption key ${flipVersion(token)}`),
    b('bundle-on-another-account', 'bad_signature', field, mallory.spec.actorUri),
    b('bundle-prekey-swapped', 'bad_signature', flip(70)),
    // §3.4 step 3: the prefix must be followed by ASCII space(s); anything else is not a Hush field.
    b('bundle-prefix-glued-to-token', 'not_hush', `Hush encryption key${token}`),
    b('bundle-nbsp-after-prefix', 'not_hush', `Hush encryption key\u00a0${token}`),
    b('bundle-ideographic-space-after-prefix', 'not_hush', `Hush encryption key\u3000${token}`),
    b('bundle-ideographic-space-before-token', 'malformed', `Hush encryption key \u3000${token}`),
  ];
}

function flipVersion(token: string): string {
  // Char 1 holds the version's low 2 bits and the type's high 4: 'Q' (01|0000) becomes 'g' (10|0000),
  // i.e. version 0x02 with the type unchanged.
  const chars = Array.from(token);
  chars[1] = 'g';
  return chars.join('');
}

function backupRejects(bob: LiveParty): RejectVector[] {
  const code = generateRecoveryCode(deterministicRng('hush-vectors/reject-backup-code'));
  const file = exportBackup(
    { identity: bob.identity, chain: bob.chain },
    code,
    { opslimit: 1, memlimit: 8192 },
    deterministicRng('hush-vectors/reject-backup'),
  );
  const other = generateRecoveryCode(deterministicRng('hush-vectors/reject-backup-other'));
  const edit = (f: (b: Uint8Array) => void): string => {
    const b = file.slice();
    f(b);
    return toHex(b);
  };
  const k = (name: string, reason: string, f: string, c = code): RejectVector => ({
    kind: 'backup',
    name,
    reason,
    file: f,
    recoveryCode: c,
  });
  return [
    k('backup-wrong-code', 'wrong_code_or_corrupt', toHex(file), other),
    k('backup-code-not-a-code', 'malformed_code', toHex(file), 'correct horse battery staple'),
    k(
      'backup-ciphertext-flipped',
      'wrong_code_or_corrupt',
      edit((b) => (b[60] = (b[60] ?? 0) ^ 1)),
    ),
    k(
      'backup-header-kdf-downgraded',
      'wrong_code_or_corrupt',
      edit((b) => (b[5] = 2)),
    ),
    k(
      'backup-huge-memlimit',
      'unsupported_params',
      edit((b) => (b[6] = 0x7f)),
    ),
    k(
      'backup-version-2',
      'unsupported_version',
      edit((b) => (b[0] = 2)),
    ),
    k(
      'backup-opslimit-9',
      'unsupported_params',
      edit((b) => (b[5] = 9)),
    ),
    // §6: only ASCII letters map (case, O->0, I/L->1); toUpperCase() would turn U+0131 into I and U+FB06 into "ST".
    k('backup-code-dotless-i', 'malformed_code', toHex(file), swapChar(code, '1', '\u0131')),
    k('backup-code-st-ligature', 'malformed_code', toHex(file), swapChar(code, 'S', '\ufb06')),
    k('backup-code-ideographic-space', 'malformed_code', toHex(file), code.replace(/-/g, '\u3000')),
    ...inconsistentBackups(bob, code),
  ];
}

/** Replace the first `from` in a code by `to`; the vector needs it present. */
function swapChar(code: string, from: string, to: string): string {
  const i = code.indexOf(from);
  if (i < 0) throw new Error(`reject vectors: recovery code ${code} has no ${from}`);
  return code.slice(0, i) + to + code.slice(i + from.length);
}

/** Backups that decrypt fine but whose chain state breaks a §6 consistency rule: import says `malformed`. */
function inconsistentBackups(bob: LiveParty, code: string): RejectVector[] {
  const chain = bob.chain;
  const cur = currentPrekey(chain);
  const older = chain.retained.filter((r) => r.epoch < chain.epoch);
  const first = older[0];
  if (first === undefined) throw new Error('reject vectors: bob needs an older retained prekey');
  const c = (name: string, over: Partial<PrekeyChainState>): RejectVector => {
    const plain = encodeBackupPlaintext({ identity: bob.identity, chain: { ...chain, ...over } });
    const file = sealBackupPlaintext(
      plain,
      code,
      { opslimit: 1, memlimit: 8192 },
      deterministicRng(`hush-vectors/reject-backup/${name}`),
    );
    return { kind: 'backup', name, reason: 'malformed', file: toHex(file), recoveryCode: code };
  };
  const huge = 0xffff0000;
  const hugeSecret = deterministicRng('hush-vectors/reject-backup-huge-epoch')(32);
  return [
    c('backup-current-epoch-missing', { retained: older }),
    c('backup-retained-not-ascending', { retained: [cur, ...older] }),
    c('backup-retained-duplicate-epoch', { retained: [first, ...older, cur] }),
    c('backup-retained-epoch-after-current', { retained: [...chain.retained, { ...cur, epoch: 99999 }] }),
    c('backup-current-prekey-mismatch', { retained: [...older, { ...cur, secretKey: first.secretKey }] }),
    c('backup-epoch-beyond-u32-time', {
      epoch: huge,
      chainSecret: hugeSecret,
      retained: [prekeyFromChainSecret(huge, hugeSecret)],
    }),
  ];
}

export type { PartySpec };
