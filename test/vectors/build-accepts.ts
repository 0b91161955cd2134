// MUST-ACCEPT vectors for receiver paths that the honest-encoder vectors (envelopes.json) cannot reach: a
// receiver context with revocations, and chunks an honest encoder would not write but a conforming one may.
import { toHex, utf8 } from '../../src/protocol/bytes';
import { planChunks } from '../../src/protocol/chunking';
import { chunkCapacityBytes } from '../../src/protocol/encrypt';
import { currentPrekey } from '../../src/protocol/prekey-chain';
import { deterministicRng } from '../../src/protocol/sodium';
import { encodeHush16, STATUS_PREFIX_TEXT } from '../../src/protocol/text-encoding';
import { ref, revocationOf, type ReceiverCase } from './build-rejects';
import { ALICE, BOB, CAROL, NOW, live, mentionOf, prekeyAtEpoch, type LiveParty } from './fixtures';
import { forgeChunks, type ForgeSpec } from './forge';

/** What a conforming receiver returns for the case (§4.11 result). */
export interface AcceptExpectation {
  readonly plaintext: string;
  readonly messageId: string;
  readonly replyTo: string | null;
  readonly createdAt: number;
  readonly chunkCount: number;
  readonly sender: string;
  /** Actor URIs of the authenticated recipients, in canonical order (sorted by identity key). */
  readonly recipients: readonly string[];
}

export type AcceptVector = {
  readonly kind: 'envelope';
  readonly name: string;
  readonly expect: AcceptExpectation;
} & ReceiverCase;

export function buildAccepts(): AcceptVector[] {
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
    rng: deterministicRng(`hush-vectors/accept/${name}`),
    ...over,
  });
  const toBob = {
    format: 'text' as const,
    author: ref(alice),
    recipients: [ref(bob)],
    me: { name: 'bob', chainAt: NOW },
    now: NOW,
  };
  /** Forge a message from alice to bob (unless `over` says otherwise) and state what bob must read. */
  const acc = (
    name: string,
    over: Partial<ForgeSpec>,
    ctx: Partial<Omit<ReceiverCase, 'format' | 'inputs'>> = {},
    inputs: (texts: string[]) => string[] = (t) => t,
  ): AcceptVector => {
    const spec = base(name, over);
    const m = forgeChunks(spec);
    const c = { ...toBob, ...ctx };
    // Expected recipients: the mention list without the author (matched by actor URI), sorted by identity key.
    const expected = c.recipients
      .filter((r) => r.actorUri !== c.author.actorUri)
      .sort((a, b) => (a.identityPk < b.identityPk ? -1 : a.identityPk > b.identityPk ? 1 : 0));
    return {
      kind: 'envelope',
      name,
      format: c.format,
      inputs: inputs(m.chunks.map((x) => head + encodeHush16(x))),
      author: c.author,
      recipients: c.recipients,
      me: c.me,
      now: c.now,
      ...(c.revocations === undefined ? {} : { revocations: c.revocations }),
      expect: {
        plaintext: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(spec.plaintext),
        messageId: toHex(m.messageId),
        replyTo: spec.replyTo === undefined || spec.replyTo === null ? null : toHex(spec.replyTo),
        createdAt: spec.now,
        chunkCount: m.chunks.length,
        sender: c.author.actorUri,
        recipients: expected.map((r) => r.actorUri),
      },
    };
  };
  return [
    // §3 revocation rule: 'superseded' refuses only messages created at or after revokedAt.
    acc('created-at-before-superseded-revocation', {}, { revocations: [revocationOf(alice, NOW + 1, 'superseded')] }),
    // A revocation of some other key (even as compromised) does not touch this sender's messages.
    acc('revocation-of-another-key', {}, { revocations: [revocationOf(carol, NOW - 3600, 'compromised')] }),
    ...edgeAccepts(acc, { alice, bob, carol, capacity }),
  ];
}

type Acc = (
  name: string,
  over: Partial<ForgeSpec>,
  ctx?: Partial<Omit<ReceiverCase, 'format' | 'inputs'>>,
  inputs?: (texts: string[]) => string[],
) => AcceptVector;

/** Issue #19: receiver paths an honest 500-character encoder does not exercise, each a rule of PROTOCOL.md. */
function edgeAccepts(
  acc: Acc,
  p: { alice: LiveParty; bob: LiveParty; carol: LiveParty; capacity: number },
): AcceptVector[] {
  const { alice, bob, carol, capacity } = p;
  const bobCur = currentPrekey(bob.chain).epoch;
  const wrapToBobAt = (epoch: number): Partial<ForgeSpec> => ({
    recipients: [{ ...bob.key, prekeyPk: prekeyAtEpoch(BOB, epoch).publicKey, epoch }],
  });
  // A chunked message whose first piece ends inside a two-byte UTF-8 sequence.
  const eAcute = utf8('\u00e9'.repeat(500));
  const plan = planChunks(capacity, 2, eAcute.length, false);
  if (!plan.ok || plan.value.length < 2 || (plan.value[0]?.pieceEnd ?? 0) % 2 !== 1)
    throw new Error('accept vectors: the split must fall inside a character');
  return [
    // §4.10 step 12: hint of current + 1 (the sender's clock is ahead; derived on the fly from c_current).
    acc('epoch-hint-current-plus-one', wrapToBobAt(bobCur + 1)),
    // §4.10 step 12: an older epoch still retained.
    acc('epoch-hint-older-retained', wrapToBobAt(bobCur - 2)),
    // §4.6: an odd-length chunk ends with a tail character.
    acc('odd-length-chunk', { capacity: capacity - 1 }),
    // §4.8: pieces are byte slices; a UTF-8 sequence may span two chunks.
    acc('chunked-utf8-split-across-chunks', { plaintext: eAcute }),
    // §4.5: reply_to in every chunk of a chunked message.
    acc('chunked-reply', { plaintext: utf8('A long reply. '.repeat(150)), replyTo: new Uint8Array(16).fill(0xa1) }),
    // §4.10 step 9: an identical duplicate chunk is ignored; inputs in any order.
    acc('duplicate-identical-chunk', { plaintext: utf8('Twice the same chunk. '.repeat(60)) }, {}, (t) => [
      ...t.slice().reverse(),
      t[0] as string,
    ]),
    // §4.1: the author in the mention list is dropped (by actor URI).
    acc('author-in-mention-list', {}, { recipients: [ref(alice), ref(bob)] }),
    // §4.10 step 8 boundary: created_at = now + 600 is still accepted.
    acc('created-at-600-s-ahead', { now: NOW + 600 }),
    // §4.6: whitespace around the encoded text (line breaks, U+3000) is stripped.
    acc('whitespace-around-ciphertext', {}, {}, (t) =>
      t.map((x) => `\n${x.replace(STATUS_PREFIX_TEXT, `${STATUS_PREFIX_TEXT}\n\u3000`)} \n`),
    ),
    // §1: strict UTF-8 decoding keeps a leading U+FEFF in the plaintext.
    acc('plaintext-starts-with-bom', { plaintext: utf8('\ufeffHello with a BOM.') }),
    // §4.1 matching: carol reads a message to bob and carol (her wrap is at her sorted position).
    acc(
      'second-recipient-reads',
      { recipients: [bob.key, carol.key] },
      { recipients: [ref(carol), ref(bob)], me: { name: 'carol', chainAt: NOW } },
    ),
    // The author reads its own message (wrap n) on a device whose chain is a week further on.
    acc(
      'author-reads-a-week-later',
      {},
      { me: { name: 'alice', chainAt: NOW + 7 * 24 * 3600 }, now: NOW + 7 * 24 * 3600 },
    ),
  ];
}
