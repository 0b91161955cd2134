// Builds every vector file from fixed seeds. `npx tsx test/vectors/generate.ts` writes them;
// vectors.test.ts rebuilds them and requires byte-for-byte equality with the committed JSON.
import { exportBackup, generateRecoveryCode } from '../../src/protocol/backup';
import { encodeBundle, encodeRevocation, revocationRefuses, type RevocationReason } from '../../src/protocol/bundle';
import { toHex, utf8 } from '../../src/protocol/bytes';
import { chunkCapacityBytes, encryptMessage } from '../../src/protocol/encrypt';
import { currentPrekey } from '../../src/protocol/prekey-chain';
import { safetyNumber } from '../../src/protocol/safety-number';
import { deterministicRng } from '../../src/protocol/sodium';
import { ALICE, BOB, CAROL, DAVE, MALLORY, MANY, NOW, live, mentionOf, recordingRng, type PartySpec } from './fixtures';
import { buildRejects, type RejectVector } from './build-rejects';
import { buildEdgeRejects } from './build-edge-rejects';
import { buildBundleUpdates, buildEnvelopeSteps, buildKeys } from './build-keys';
import { buildBudget } from './build-budget';
import { buildHush16, buildRecoveryCodes } from './build-text';
import { buildAccepts, type AcceptVector } from './build-accepts';

export interface EnvelopeVector {
  readonly name: string;
  readonly sender: string;
  readonly recipients: readonly string[];
  readonly readers: readonly string[];
  readonly now: number;
  readonly plaintext: string;
  readonly replyTo: string | null;
  readonly mentionText: string;
  readonly maxChars: number;
  /** Every random draw of encryptMessage, in order: MK (32), message id (16), ephemeral secret (32). */
  readonly randomness: readonly string[];
  readonly chunks: readonly string[];
  readonly statuses: readonly string[];
}

export const ALL_PARTIES: readonly PartySpec[] = [ALICE, BOB, CAROL, DAVE, MALLORY, ...MANY];

function partiesJson(): Record<string, PartySpec> {
  return Object.fromEntries(ALL_PARTIES.map((p) => [p.name, p]));
}

export function spec(name: string): PartySpec {
  const p = ALL_PARTIES.find((x) => x.name === name);
  if (p === undefined) throw new Error(`unknown party ${name}`);
  return p;
}

function envelope(
  name: string,
  sender: PartySpec,
  recipients: readonly PartySpec[],
  plaintext: string,
  replyTo: string | null,
  maxChars = 500,
): EnvelopeVector {
  const s = live(sender);
  const { rng, tape } = recordingRng(`hush-vectors/envelope/${name}`);
  const mentionText = `${recipients.map(mentionOf).join(' ')} `;
  const r = encryptMessage({
    sender: { identity: s.identity, chain: s.chain },
    recipients: recipients.map((p) => live(p).key),
    plaintext,
    replyTo: replyTo === null ? null : Uint8Array.from(Buffer.from(replyTo, 'hex')),
    now: NOW,
    statusBudget: { mentionText, maxChars },
    rng,
  });
  if (!r.ok) throw new Error(`vector ${name}: ${r.reason}`);
  return {
    name,
    sender: sender.name,
    recipients: recipients.map((p) => p.name),
    readers: [...recipients.map((p) => p.name), sender.name],
    now: NOW,
    plaintext,
    replyTo,
    mentionText,
    maxChars,
    randomness: tape,
    chunks: r.value.chunks.map(toHex),
    statuses: [...r.value.statuses],
  };
}

export function buildEnvelopes(): EnvelopeVector[] {
  const capacity = chunkCapacityBytes({ mentionText: `${mentionOf(BOB)} ` });
  const fill = 'Ünïcödé ✓ 🙂 '.repeat(200);
  const fullOne = utf8(fill).subarray(0, capacity - 277);
  return [
    envelope('one-recipient', ALICE, [BOB], 'Hello Bob! Lunch at noon?', null),
    envelope('one-recipient-full', ALICE, [BOB], new TextDecoder().decode(fullOne).replace(/\uFFFD+$/u, ''), null),
    envelope('two-recipients-reply', ALICE, [BOB, CAROL], 'Re: the plan 👍 — مرحبا \u200d\u202e test', 'a1'.repeat(16)),
    envelope('twenty-recipients', ALICE, MANY, 'Meeting moved to Thursday, 10:00. Please confirm.', null),
    envelope('one-recipient-chunked', BOB, [ALICE], 'Long letter. '.repeat(180), null),
    envelope('three-recipients-small-instance-limit', CAROL, [ALICE, BOB, DAVE], 'Short limit instance.', null, 300),
  ];
}

export function buildBundles(): unknown[] {
  return [ALICE, BOB, CAROL].map((p) => {
    const l = live(p);
    const pre = currentPrekey(l.chain);
    return {
      name: p.name,
      actorUri: p.actorUri,
      epoch: pre.epoch,
      identityPk: toHex(l.identity.publicKey),
      prekeyPk: toHex(pre.publicKey),
      field: encodeBundle(l.identity, pre.epoch, pre.publicKey),
      revocation: encodeRevocation(l.identity, NOW, p.name === 'carol' ? 'compromised' : 'superseded'),
      revocationReason: p.name === 'carol' ? 'compromised' : 'superseded',
      revokedAt: NOW,
    };
  });
}

export function buildSafetyNumbers(): unknown[] {
  const pairs: [PartySpec, PartySpec][] = [
    [ALICE, BOB],
    [BOB, CAROL],
    [ALICE, MALLORY],
  ];
  return pairs.map(([a, b]) => {
    const sn = safetyNumber(live(a).party, live(b).party);
    return { a: a.name, b: b.name, digits: sn.digits, display: sn.display, qrPayload: toHex(sn.qrPayload) };
  });
}

/** The §3 revocation rule as a table: does a verified revocation refuse a message claiming createdAt? */
export function buildRevocationRule(): unknown[] {
  const reasons: readonly RevocationReason[] = ['unspecified', 'compromised', 'superseded'];
  const times: readonly [string, number][] = [
    ['long-before', 0],
    ['just-before', NOW - 1],
    ['at', NOW],
    ['after', NOW + 1],
  ];
  return reasons.flatMap((reason) =>
    times.map(([when, createdAt]) => ({
      name: `${reason}-${when}`,
      reason,
      revokedAt: NOW,
      createdAt,
      refuses: revocationRefuses({ reason, revokedAt: NOW }, createdAt),
    })),
  );
}

/** Small Argon2id limits keep vectors fast; the production default is tested in backup.test.ts. */
export const VECTOR_KDF = { opslimit: 1, memlimit: 8192 } as const;

export function buildBackups(): unknown[] {
  return [ALICE, BOB].map((p) => {
    const l = live(p);
    const { rng, tape } = recordingRng(`hush-vectors/backup/${p.name}`);
    const code = generateRecoveryCode(deterministicRng(`hush-vectors/recovery-code/${p.name}`));
    const file = exportBackup({ identity: l.identity, chain: l.chain }, code, VECTOR_KDF, rng);
    return {
      name: p.name,
      recoveryCode: code,
      opslimit: VECTOR_KDF.opslimit,
      memlimit: VECTOR_KDF.memlimit,
      randomness: tape,
      file: toHex(file),
      epoch: l.chain.epoch,
      retainedEpochs: l.chain.retained.map((r) => r.epoch),
    };
  });
}

export interface VectorFiles {
  readonly 'parties.json': unknown;
  readonly 'bundles.json': unknown;
  readonly 'envelopes.json': unknown;
  readonly 'safety-numbers.json': unknown;
  readonly 'backups.json': unknown;
  readonly 'reject.json': readonly RejectVector[];
  readonly 'accept.json': readonly AcceptVector[];
  readonly 'revocations.json': unknown;
  readonly 'keys.json': unknown;
  readonly 'bundle-updates.json': unknown;
  readonly 'budget.json': unknown;
  readonly 'envelope-steps.json': unknown;
  readonly 'hush16.json': unknown;
  readonly 'recovery-codes.json': unknown;
}

export function buildAll(): VectorFiles {
  const envelopes = buildEnvelopes();
  return {
    'parties.json': { now: NOW, parties: partiesJson() },
    'bundles.json': buildBundles(),
    'envelopes.json': envelopes,
    'safety-numbers.json': buildSafetyNumbers(),
    'backups.json': buildBackups(),
    'reject.json': [...buildRejects(), ...buildEdgeRejects()],
    'accept.json': buildAccepts(),
    'revocations.json': buildRevocationRule(),
    'keys.json': buildKeys(),
    'bundle-updates.json': buildBundleUpdates(),
    'budget.json': buildBudget(),
    'hush16.json': buildHush16(),
    'recovery-codes.json': buildRecoveryCodes(),
    'envelope-steps.json': envelopes
      .filter((v) => v.name === 'one-recipient' || v.name === 'two-recipients-reply')
      .map(buildEnvelopeSteps),
  };
}
