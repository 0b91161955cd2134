// A deliberately flexible envelope builder for MUST-REJECT vectors: it can produce chunks that an honest
// encoder never would (wrong commitment, bad padding, invalid UTF-8, odd layouts) and sign them with
// the sender's real key, so each vector reaches the receiver check it targets.
import { concat, lp } from '../../src/protocol/bytes';
import { planChunks } from '../../src/protocol/chunking';
import { serializeHeader, type ChunkHeader, type Wrap } from '../../src/protocol/envelope';
import { keyId, type Identity } from '../../src/protocol/identity';
import { LABEL } from '../../src/protocol/labels';
import {
  bodyKeyNonce,
  canonicalRecipients,
  commitmentOf,
  contextHash,
  sealWrap,
  type Party,
} from '../../src/protocol/message-crypto';
import { sodium, type Rng } from '../../src/protocol/sodium';

export interface ForgeSpec {
  readonly sender: Identity;
  /** Recipients with the prekey each wrap is sealed to (the sender's own prekey is appended). */
  readonly recipients: readonly (Party & { readonly prekeyPk: Uint8Array; readonly epoch: number })[];
  readonly senderPrekey: { readonly publicKey: Uint8Array; readonly epoch: number };
  readonly plaintext: Uint8Array;
  readonly now: number;
  readonly replyTo?: Uint8Array | null;
  readonly capacity: number;
  readonly rng: Rng;
  readonly hooks?: {
    readonly commitment?: (real: Uint8Array) => Uint8Array;
    readonly padded?: (index: number, padded: Uint8Array) => Uint8Array;
    readonly bodyMk?: Uint8Array;
    readonly header?: (h: ChunkHeader) => ChunkHeader;
  };
}

export function sign(sender: Identity, context: Uint8Array, signed: Uint8Array): Uint8Array {
  return concat(
    signed,
    sodium().crypto_sign_detached(concat(lp(LABEL.envelopeSig), context, signed), sender.secretKey),
  );
}

/** Replace bytes of a chunk and re-sign it as the sender would. */
export function patchAndResign(
  raw: Uint8Array,
  sender: Identity,
  context: Uint8Array,
  patch: (b: Uint8Array) => Uint8Array,
): Uint8Array {
  return sign(sender, context, patch(raw.slice(0, raw.length - 64)));
}

export function forgeChunks(spec: ForgeSpec): {
  chunks: Uint8Array[];
  context: Uint8Array;
  mk: Uint8Array;
  messageId: Uint8Array;
} {
  const s = sodium();
  const senderParty = { actorUri: spec.sender.actorUri, identityPk: spec.sender.publicKey };
  const sorted = canonicalRecipients(senderParty, spec.recipients);
  if (sorted === undefined) throw new Error('forge: bad recipients');
  // canonicalRecipients returns the very objects it was given, so each still carries its prekey.
  const targets = [
    ...(sorted as unknown as ForgeSpec['recipients']).map((r) => ({ pk: r.prekeyPk, epoch: r.epoch })),
    { pk: spec.senderPrekey.publicKey, epoch: spec.senderPrekey.epoch },
  ];
  const replyTo = spec.replyTo ?? null;
  const plan = planChunks(spec.capacity, targets.length, spec.plaintext.length, replyTo !== null);
  if (!plan.ok) throw new Error(`forge: ${plan.reason}`);
  const mk = spec.rng(32);
  const messageId = spec.rng(16);
  const esk = spec.rng(32);
  const epk = s.crypto_scalarmult_base(esk);
  const wraps: Wrap[] = targets.map((t) => ({
    epochHint: t.epoch & 0xff,
    sealed: sealWrap(mk, esk, epk, t.pk, messageId) ?? new Uint8Array(48),
  }));
  const context = contextHash(senderParty, sorted);
  const realCommitment = commitmentOf(mk, messageId);
  const commitment = spec.hooks?.commitment?.(realCommitment) ?? realCommitment;
  const bodyMk = spec.hooks?.bodyMk ?? mk;
  const chunks = plan.value.map((p, index) => {
    let h: ChunkHeader = {
      chunkIndex: index,
      chunkCount: plan.value.length,
      messageId,
      createdAt: spec.now,
      senderKeyId: keyId(spec.sender.publicKey),
      contextCheck: context.slice(0, 4),
      replyTo,
      wrapStart: p.wrapStart,
      wraps: wraps.slice(p.wrapStart, p.wrapStart + p.wrapCount),
      epk: p.wrapCount > 0 ? epk : null,
      commitment: p.wrapCount > 0 ? commitment : null,
    };
    h = spec.hooks?.header?.(h) ?? h;
    const header = serializeHeader(h);
    let padded: Uint8Array = new Uint8Array(p.padTo);
    padded.set(spec.plaintext.subarray(p.pieceStart, p.pieceEnd));
    padded[p.pieceEnd - p.pieceStart] = 0x80;
    padded = spec.hooks?.padded?.(index, padded) ?? padded;
    const { key, nonce } = bodyKeyNonce(bodyMk, messageId, h.chunkIndex);
    const body = s.crypto_aead_xchacha20poly1305_ietf_encrypt(padded, header, null, nonce, key);
    return sign(spec.sender, context, concat(header, body));
  });
  return { chunks, context, mk, messageId };
}
