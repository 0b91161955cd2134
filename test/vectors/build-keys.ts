// keys.json (identity keys, key ids, fingerprints, the prekey chain, re-key) and bundle-updates.json (the key
// store's checkBundleUpdate): docs/PROTOCOL.md §2 and §3.5.
import { checkBundleUpdate, encodeBundle, parseAndVerifyBundle } from '../../src/protocol/bundle';
import { concat, fromHex, lp, toHex, u8 } from '../../src/protocol/bytes';
import { parseChunk } from '../../src/protocol/envelope';
import { kdf } from '../../src/protocol/kdf';
import { LABEL } from '../../src/protocol/labels';
import {
  bodyKeyNonce,
  canonicalRecipients,
  commitmentOf,
  contextHash,
  sealWrap,
} from '../../src/protocol/message-crypto';
import { fingerprint, identityFromSeed, keyId } from '../../src/protocol/identity';
import {
  advanceChain,
  createChain,
  currentPrekey,
  epochAt,
  nextChainSecret,
  prekeyFromChainSecret,
  pruneChain,
  rekeyChain,
  DEFAULT_GRACE_SECONDS,
} from '../../src/protocol/prekey-chain';
import { deterministicRng, sodium } from '../../src/protocol/sodium';
import {
  ALICE,
  BOB,
  CAROL,
  MALLORY,
  NOW,
  WEEK,
  chainAt,
  live,
  prekeyAtEpoch,
  recordingRng,
  type PartySpec,
} from './fixtures';

function identities(): unknown[] {
  return [ALICE, BOB, CAROL].map((p) => {
    const id = identityFromSeed(p.actorUri, fromHex(p.identitySeed));
    return {
      name: p.name,
      actorUri: p.actorUri,
      seed: p.identitySeed,
      identityPk: toHex(id.publicKey),
      keyId: toHex(keyId(id.publicKey)),
      fingerprint: fingerprint(id.publicKey),
    };
  });
}

function chainSteps(spec: PartySpec): unknown {
  let c = fromHex(spec.chainC0);
  const steps = [];
  for (let e = 0; e <= 4; e++) {
    const p = prekeyFromChainSecret(e, c);
    steps.push({ epoch: e, chainSecret: toHex(c), prekeySk: toHex(p.secretKey), prekeyPk: toHex(p.publicKey) });
    c = nextChainSecret(c);
  }
  return { party: spec.name, c0: spec.chainC0, steps };
}

function epochs(): unknown[] {
  const o = BOB.chainOrigin;
  const cases: [number, number, number][] = [
    [o, WEEK, o - 1],
    [o, WEEK, o],
    [o, WEEK, o + WEEK - 1],
    [o, WEEK, o + WEEK],
    [o, WEEK, NOW],
    [0, 60, 0xffffffff],
  ];
  return cases.map(([origin, period, t]) => ({ origin, period, t, epoch: epochAt(origin, period, t) }));
}

interface StateCase {
  readonly name: string;
  readonly origin: number;
  readonly period: number;
  readonly c0: string;
  readonly at: number;
}

function states(): unknown[] {
  const short = deterministicRng('hush-vectors/short-period')(32);
  const cases: StateCase[] = [
    { name: 'bob-now', origin: BOB.chainOrigin, period: BOB.chainPeriod, c0: BOB.chainC0, at: NOW },
    // Eight weeks on: epochs that ended more than 30 days ago are pruned.
    {
      name: 'bob-8-weeks-later',
      origin: BOB.chainOrigin,
      period: BOB.chainPeriod,
      c0: BOB.chainC0,
      at: NOW + 8 * WEEK,
    },
    // Before the origin: epoch 0.
    {
      name: 'bob-before-origin',
      origin: BOB.chainOrigin,
      period: BOB.chainPeriod,
      c0: BOB.chainC0,
      at: BOB.chainOrigin - 100,
    },
    // A 60-second period: the 30-day grace would keep 43200 epochs, the cap keeps the newest 255.
    { name: 'period-60-after-1000-epochs', origin: NOW, period: 60, c0: toHex(short), at: NOW + 1000 * 60 + 30 },
  ];
  return cases.map((s) => {
    const c0 = fromHex(s.c0);
    const st = pruneChain(
      advanceChain(
        createChain(s.origin, s.period, () => c0.slice()),
        s.at,
      ),
      s.at,
    );
    return {
      name: s.name,
      origin: s.origin,
      period: s.period,
      c0: s.c0,
      at: s.at,
      grace: DEFAULT_GRACE_SECONDS,
      epoch: st.epoch,
      chainSecret: toHex(st.chainSecret),
      retainedEpochs: st.retained.map((r) => r.epoch),
      currentPrekeyPk: toHex(currentPrekey(st).publicKey),
    };
  });
}

function rekeys(): unknown[] {
  const bobNow = chainAt(BOB, NOW);
  const re = (name: string, now: number): unknown => {
    const { rng, tape } = recordingRng(`hush-vectors/rekey/${name}`);
    const st = rekeyChain(bobNow, now, rng);
    return {
      name,
      from: { party: 'bob', at: NOW },
      now,
      randomness: tape,
      origin: st.origin,
      period: st.period,
      epoch: st.epoch,
      retainedEpochs: st.retained.map((r) => r.epoch),
      chainSecret: toHex(st.chainSecret),
      prekeyPk: toHex(currentPrekey(st).publicKey),
    };
  };
  const { rng, tape } = recordingRng('hush-vectors/create-at-epoch');
  const created = createChain(NOW, WEEK, rng, { firstEpoch: 5 });
  return [
    re('rekey-same-epoch', NOW),
    // The old state was last advanced three weeks ago: the new chain starts after epoch(now).
    re('rekey-stale-state', NOW + 3 * WEEK),
    {
      name: 'create-at-first-epoch-5',
      now: NOW,
      period: WEEK,
      firstEpoch: 5,
      randomness: tape,
      origin: created.origin,
      epoch: created.epoch,
      retainedEpochs: created.retained.map((r) => r.epoch),
      chainSecret: toHex(created.chainSecret),
      prekeyPk: toHex(currentPrekey(created).publicKey),
    },
  ];
}

export function buildKeys(): unknown {
  return {
    identities: identities(),
    chainSteps: chainSteps(BOB),
    epochs: epochs(),
    states: states(),
    rekeys: rekeys(),
  };
}

export function buildBundleUpdates(): unknown[] {
  const alice = live(ALICE);
  const bob = live(BOB);
  const cur = currentPrekey(alice.chain);
  const at = (epoch: number): string => encodeBundle(alice.identity, epoch, prekeyAtEpoch(ALICE, epoch).publicKey);
  // A new identity key signing for alice's actor URI (a re-installed client, or a substitution).
  const other = identityFromSeed(ALICE.actorUri, fromHex(MALLORY.identitySeed));
  const otherAt = (epoch: number): string => encodeBundle(other, epoch, prekeyAtEpoch(MALLORY, epoch).publicKey);
  const bobRekeyed = rekeyChain(bob.chain, NOW, deterministicRng('hush-vectors/bundle-update/rekey'));
  const c = (name: string, actorUri: string, pinned: string | null, candidate: string): unknown => {
    const p = pinned === null ? undefined : parseAndVerifyBundle(pinned, actorUri);
    const q = parseAndVerifyBundle(candidate, actorUri);
    if ((p !== undefined && !p.ok) || !q.ok) throw new Error(`bundle update ${name}: fields must verify`);
    return { name, actorUri, pinned, candidate, result: checkBundleUpdate(p?.value, q.value) };
  };
  return [
    c('first-contact', ALICE.actorUri, null, at(cur.epoch)),
    c('same-bundle', ALICE.actorUri, at(cur.epoch), at(cur.epoch)),
    c('newer-epoch', ALICE.actorUri, at(cur.epoch - 1), at(cur.epoch)),
    c('epoch-rollback', ALICE.actorUri, at(cur.epoch), at(cur.epoch - 1)),
    c(
      'equivocation',
      ALICE.actorUri,
      at(cur.epoch),
      encodeBundle(alice.identity, cur.epoch, prekeyAtEpoch(MALLORY, cur.epoch).publicKey),
    ),
    c('identity-changed', ALICE.actorUri, at(cur.epoch), otherAt(cur.epoch + 1)),
    // Precedence: a different identity key is reported as such whatever its epoch.
    c('identity-changed-with-older-epoch', ALICE.actorUri, at(cur.epoch), otherAt(cur.epoch - 2)),
    c('identity-changed-with-same-epoch', ALICE.actorUri, at(cur.epoch), otherAt(cur.epoch)),
    // An explicit re-key (§2.5) continues the epoch counter: an ordinary newer bundle.
    c(
      'explicit-rekey',
      BOB.actorUri,
      encodeBundle(bob.identity, bob.chain.epoch, currentPrekey(bob.chain).publicKey),
      encodeBundle(bob.identity, bobRekeyed.epoch, currentPrekey(bobRekeyed).publicKey),
    ),
  ];
}

/**
 * envelope-steps.json: every intermediate value of an envelope vector (§4.12), so that a
 * re-implementation can find the first step where it differs.
 */
export function buildEnvelopeSteps(v: EnvelopeVectorLike): unknown {
  const s = sodium();
  const sender = live(spec(v.sender));
  const recipients = v.recipients.map((n) => live(spec(n)));
  const sorted = canonicalRecipients(
    sender.party,
    recipients.map((r) => r.party),
  );
  if (sorted === undefined) throw new Error('steps: recipients');
  const [mk, messageId, esk] = v.randomness.map(fromHex) as [Uint8Array, Uint8Array, Uint8Array];
  const epk = s.crypto_scalarmult_base(esk);
  const context = contextHash(sender.party, sorted);
  const own = currentPrekey(sender.chain);
  const targets = [
    ...sorted.map((p) => {
      const r = recipients.find((x) => x.spec.actorUri === p.actorUri);
      if (r === undefined) throw new Error('steps: recipient');
      return { for: r.spec.name, prekeyPk: r.key.prekeyPk, epoch: r.key.epoch };
    }),
    { for: sender.spec.name, prekeyPk: own.publicKey, epoch: own.epoch },
  ];
  const wraps = targets.map((t) => {
    const ss = s.crypto_scalarmult(esk, t.prekeyPk);
    const k = kdf(ss, LABEL.kek, concat(epk, t.prekeyPk, messageId), 56);
    const sealed = sealWrap(mk, esk, epk, t.prekeyPk, messageId);
    if (sealed === undefined) throw new Error('steps: wrap');
    return {
      for: t.for,
      prekeyPk: toHex(t.prekeyPk),
      epoch: t.epoch,
      sharedSecret: toHex(ss),
      kekKey: toHex(k.slice(0, 32)),
      kekNonce: toHex(k.slice(32)),
      wrap: toHex(concat(u8(t.epoch & 0xff), sealed)),
    };
  });
  const chunks = v.chunks.map((hex, index) => {
    const raw = fromHex(hex);
    const parsed = parseChunk(raw);
    if (!parsed.ok) throw new Error('steps: chunk');
    const bk = bodyKeyNonce(mk, messageId, index);
    const body = s.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      parsed.value.body,
      parsed.value.headerBytes,
      bk.nonce,
      bk.key,
    );
    let end = body.length - 1;
    while (body[end] === 0) end--;
    return {
      index,
      headerLength: parsed.value.headerBytes.length,
      bodyKey: toHex(bk.key),
      bodyNonce: toHex(bk.nonce),
      paddedLength: body.length,
      pieceLength: end,
      padded: toHex(body),
      signatureInputPrefix: toHex(concat(lp(LABEL.envelopeSig), context)),
    };
  });
  return {
    vector: v.name,
    keyId: toHex(keyId(sender.identity.publicKey)),
    contextInput: toHex(
      concat(
        sender.identity.publicKey,
        lp(sender.spec.actorUri),
        u8(sorted.length),
        ...sorted.flatMap((p) => [p.identityPk, lp(p.actorUri)]),
      ),
    ),
    context: toHex(context),
    recipientOrder: sorted.map((p) => p.actorUri),
    mk: toHex(mk),
    messageId: toHex(messageId),
    esk: toHex(esk),
    epk: toHex(epk),
    commitment: toHex(commitmentOf(mk, messageId)),
    wraps,
    chunks,
  };
}

export interface EnvelopeVectorLike {
  readonly name: string;
  readonly sender: string;
  readonly recipients: readonly string[];
  readonly randomness: readonly string[];
  readonly chunks: readonly string[];
}

function spec(name: string): PartySpec {
  const p = [ALICE, BOB, CAROL, MALLORY].find((x) => x.name === name);
  if (p === undefined) throw new Error(`steps: party ${name}`);
  return p;
}
