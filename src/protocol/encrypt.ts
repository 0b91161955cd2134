// Sender side: plaintext -> complete status texts (docs/PROTOCOL.md §4).
import { concat, lp, utf8, wipe } from './bytes';
import { planChunks } from './chunking';
import { serializeHeader, MAX_CHUNK_BYTES, type Wrap } from './envelope';
import { fail, ok, type EncryptFailureReason, type Result } from './errors';
import { keyId, type Identity } from './identity';
import { LABEL } from './labels';
import { canonicalRecipients, commitmentOf, contextHash, sealBody, sealWrap, type Party } from './message-crypto';
import { fitsInStatus, mastodonCount, DEFAULT_MAX_CHARS } from './mastodon-count';
import { currentPrekey, type PrekeyChainState } from './prekey-chain';
import { sodium, systemRng, type Rng } from './sodium';
import { encodeHush16, STATUS_PREFIX_TEXT } from './text-encoding';

/** A recipient as pinned by the key store: identity plus the current verified bundle's prekey. */
export interface RecipientKey extends Party {
  readonly prekeyPk: Uint8Array;
  readonly epoch: number;
}

export interface StatusBudget {
  /** The instance's max_characters (default 500). */
  readonly maxChars?: number;
  /** Exact text that precedes the prefix in every status, e.g. "@alice@social.example " (include the space). */
  readonly mentionText: string;
}

export interface EncryptInput {
  readonly sender: { readonly identity: Identity; readonly chain: PrekeyChainState };
  readonly recipients: readonly RecipientKey[];
  readonly plaintext: string;
  readonly replyTo?: Uint8Array | null;
  /** Unix seconds. */
  readonly now: number;
  readonly statusBudget: StatusBudget;
  readonly rng?: Rng;
}

export interface EncryptedMessage {
  /** Complete status texts (mentions + prefix + ciphertext), in chunk order; post each as a direct status. */
  readonly statuses: readonly string[];
  readonly chunks: readonly Uint8Array[];
  readonly messageId: Uint8Array;
}

/** Bytes of envelope that fit after `mentionText + prefix` under both Mastodon counters. */
export function chunkCapacityBytes(budget: StatusBudget): number {
  const head = budget.mentionText + STATUS_PREFIX_TEXT;
  const chars = (budget.maxChars ?? DEFAULT_MAX_CHARS) - mastodonCount(head);
  return Math.max(0, Math.min(2 * chars, MAX_CHUNK_BYTES));
}

export function encryptMessage(input: EncryptInput): Result<EncryptedMessage, EncryptFailureReason> {
  const s = sodium();
  const rng = input.rng ?? systemRng;
  const { identity, chain } = input.sender;
  const senderParty: Party = { actorUri: identity.actorUri, identityPk: identity.publicKey };
  if (!Number.isSafeInteger(input.now) || input.now < 0 || input.now > 0xffffffff)
    return fail('bad_input', 'now must be u32 seconds');
  const replyTo = input.replyTo ?? null;
  if (replyTo !== null && replyTo.length !== 16) return fail('bad_input', 'replyTo must be 16 bytes');
  const sorted = canonicalRecipients(senderParty, input.recipients);
  if (sorted === undefined) return fail('bad_recipients', '1..50 distinct recipients, sender excluded');
  const keys = sorted.map((p) => input.recipients.find((r) => r.actorUri === p.actorUri) as RecipientKey);
  const own = currentPrekey(chain);
  const targets = [...keys.map((k) => ({ pk: k.prekeyPk, epoch: k.epoch })), { pk: own.publicKey, epoch: own.epoch }];
  const head = input.statusBudget.mentionText + STATUS_PREFIX_TEXT;
  const capacity = chunkCapacityBytes(input.statusBudget) & ~1;
  const pt = utf8(input.plaintext);
  try {
    const plan = planChunks(capacity, targets.length, pt.length, replyTo !== null);
    if (!plan.ok) return plan;

    const mk = rng(32);
    const messageId = rng(16);
    const esk = rng(32);
    const epk = s.crypto_scalarmult_base(esk);
    const wraps: Wrap[] = [];
    for (const t of targets) {
      const sealed = t.pk.length === 32 ? sealWrap(mk, esk, epk, t.pk, messageId) : undefined;
      if (sealed === undefined) {
        wipe(mk, esk);
        return fail('bad_prekey');
      }
      wraps.push({ epochHint: t.epoch & 0xff, sealed });
    }
    const context = contextHash(senderParty, sorted);
    const commitment = commitmentOf(mk, messageId);
    const chunks: Uint8Array[] = [];
    for (const [index, p] of plan.value.entries()) {
      const header = serializeHeader({
        chunkIndex: index,
        chunkCount: plan.value.length,
        messageId,
        createdAt: input.now,
        senderKeyId: keyId(identity.publicKey),
        contextCheck: context.slice(0, 4),
        replyTo,
        wrapStart: p.wrapStart,
        wraps: wraps.slice(p.wrapStart, p.wrapStart + p.wrapCount),
        epk: p.wrapCount > 0 ? epk : null,
        commitment: p.wrapCount > 0 ? commitment : null,
      });
      const body = sealBody(mk, messageId, index, header, pt.subarray(p.pieceStart, p.pieceEnd), p.padTo);
      const signed = concat(header, body);
      const sig = s.crypto_sign_detached(concat(lp(LABEL.envelopeSig), context, signed), identity.secretKey);
      chunks.push(concat(signed, sig));
    }
    wipe(mk, esk);
    const statuses = chunks.map((c) => head + encodeHush16(c));
    for (const t of statuses) {
      // The planner's arithmetic must agree with both counters; fail closed if a rule ever disagrees.
      if (!fitsInStatus(t, input.statusBudget.maxChars ?? DEFAULT_MAX_CHARS))
        return fail('budget_too_small', 'counting mismatch');
    }
    return ok({ statuses, chunks, messageId });
  } finally {
    wipe(pt); // the plaintext bytes (the caller owns the string)
  }
}
