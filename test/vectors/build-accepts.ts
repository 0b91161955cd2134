// MUST-ACCEPT vectors for receiver paths that the honest-encoder vectors (envelopes.json) cannot reach: a
// receiver context with revocations, and chunks an honest encoder would not write but a conforming one may.
import { toHex, utf8 } from '../../src/protocol/bytes';
import { chunkCapacityBytes } from '../../src/protocol/encrypt';
import { currentPrekey } from '../../src/protocol/prekey-chain';
import { deterministicRng } from '../../src/protocol/sodium';
import { encodeHush16, STATUS_PREFIX_TEXT } from '../../src/protocol/text-encoding';
import { ref, revocationOf, type ReceiverCase } from './build-rejects';
import { ALICE, BOB, CAROL, NOW, live, mentionOf } from './fixtures';
import { forgeChunks, type ForgeSpec } from './forge';

/** What a conforming receiver returns for the case (§4.5 result `ok`). */
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

export type AcceptVector = { readonly kind: 'envelope'; readonly name: string; readonly expect: AcceptExpectation } & ReceiverCase;

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
  const toBob = { format: 'text' as const, author: ref(alice), recipients: [ref(bob)], me: { name: 'bob', chainAt: NOW }, now: NOW };
  /** Forge a message from alice to bob (unless `over` says otherwise) and state what bob must read. */
  const acc = (name: string, over: Partial<ForgeSpec>, ctx: Partial<Omit<ReceiverCase, 'format' | 'inputs'>> = {}): AcceptVector => {
    const spec = base(name, over);
    const m = forgeChunks(spec);
    const c = { ...toBob, ...ctx };
    return {
      kind: 'envelope',
      name,
      format: c.format,
      inputs: m.chunks.map((x) => head + encodeHush16(x)),
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
        recipients: c.recipients.map((r) => r.actorUri),
      },
    };
  };
  return [
    // §3 revocation rule: 'superseded' refuses only messages created at or after revokedAt.
    acc('created-at-before-superseded-revocation', {}, { revocations: [revocationOf(alice, NOW + 1, 'superseded')] }),
    // A revocation of some other key (even as compromised) does not touch this sender's messages.
    acc('revocation-of-another-key', {}, { revocations: [revocationOf(carol, NOW - 3600, 'compromised')] }),
  ];
}
