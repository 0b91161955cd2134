// Loads the committed vectors: every good vector must verify/decrypt to its expected values and be
// reproduced byte for byte from its recorded randomness; every MUST-REJECT vector must fail with its reason.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as hush from '../../src/protocol/index';
import { fromHex, toHex } from '../../src/protocol/bytes';
import { nextChainSecret, prekeyFromChainSecret } from '../../src/protocol/prekey-chain';
import { parseRecoveryCode } from '../../src/protocol/backup';
import { buildAll, type EnvelopeVector } from './build';
import type { ReceiverCase, RejectVector } from './build-rejects';
import type { AcceptVector } from './build-accepts';
import { chainAt, live, tapeRng, type PartySpec } from './fixtures';

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- typed JSON loader
const load = <T>(name: string): T => JSON.parse(readFileSync(join(import.meta.dirname, name), 'utf8')) as T;
const parties = load<{ now: number; parties: Record<string, PartySpec> }>('parties.json');
const envelopes = load<EnvelopeVector[]>('envelopes.json');
const rejects = load<RejectVector[]>('reject.json');
const accepts = load<AcceptVector[]>('accept.json');
const revocationRule =
  load<{ name: string; reason: hush.RevocationReason; revokedAt: number; createdAt: number; refuses: boolean }[]>(
    'revocations.json',
  );
const bundles = load<
  {
    name: string;
    actorUri: string;
    epoch: number;
    identityPk: string;
    prekeyPk: string;
    field: string;
    revocation: string;
    revocationReason: string;
    revokedAt: number;
  }[]
>('bundles.json');
const safety =
  load<{ a: string; b: string; digits: string; display: string; qrPayload: string }[]>('safety-numbers.json');
const backups = load<
  {
    name: string;
    recoveryCode: string;
    opslimit: number;
    memlimit: number;
    randomness: string[];
    file: string;
    epoch: number;
    retainedEpochs: number[];
  }[]
>('backups.json');

const P = (name: string): PartySpec => {
  const p = parties.parties[name];
  if (p === undefined) throw new Error(`no party ${name}`);
  return p;
};

beforeAll(async () => {
  await hush.init();
});

const party = (p: { actorUri: string; identityPk: string }): hush.Party => ({
  actorUri: p.actorUri,
  identityPk: fromHex(p.identityPk),
});

/** Run an envelope case (reject.json / accept.json) through decryptMessage with the receiver context it describes. */
function decryptCase(v: ReceiverCase): hush.DecryptResult {
  const me = P(v.me.name);
  const meLive = live(me);
  const inputs = v.format === 'hex' ? v.inputs.map(fromHex) : v.inputs;
  const revocations = (v.revocations ?? []).map((r) => {
    // The key store only ever holds verified revocations: each listed record must verify for its account.
    const rev = hush.parseRevocation(r.field, r.actorUri);
    if (!rev.ok) throw new Error(`revocation for ${r.actorUri}: ${rev.reason}`);
    expect({ id: toHex(rev.value.identityPk), reason: rev.value.reason, at: rev.value.revokedAt }).toEqual({
      id: r.identityPk,
      reason: r.reason,
      at: r.revokedAt,
    });
    return rev.value;
  });
  return hush.decryptMessage(inputs, {
    author: party(v.author),
    recipients: v.recipients.map(party),
    me: { ...meLive.party, chain: chainAt(me, v.me.chainAt) },
    now: v.now,
    ...(v.revocations === undefined ? {} : { revocations }),
  });
}

describe('vectors are reproducible', () => {
  it('rebuilding every vector file yields the committed JSON exactly', () => {
    const built = JSON.parse(JSON.stringify(buildAll())) as Record<string, unknown>;
    for (const [name, content] of Object.entries(built)) expect(content, name).toEqual(load(name));
  });
});

describe('bundles.json', () => {
  it.each(bundles)('$name: fits one profile field, verifies for its actor, revocation verifies', (v) => {
    expect(Array.from(v.field).length).toBeLessThanOrEqual(255);
    const r = hush.parseAndVerifyBundle(`  ${v.field}\n`, v.actorUri);
    expect(r.ok && { epoch: r.value.epoch, id: toHex(r.value.identityPk), pre: toHex(r.value.prekeyPk) }).toEqual({
      epoch: v.epoch,
      id: v.identityPk,
      pre: v.prekeyPk,
    });
    const rev = hush.parseRevocation(v.revocation, v.actorUri);
    expect(rev.ok && { at: rev.value.revokedAt, reason: rev.value.reason, id: toHex(rev.value.identityPk) }).toEqual({
      at: v.revokedAt,
      reason: v.revocationReason,
      id: v.identityPk,
    });
    expect(hush.parseRevocation(v.revocation, 'https://elsewhere.example/users/x')).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
    // Ed25519 signing is deterministic: encoding the party's current prekey reproduces the field exactly.
    const me = live(P(v.name));
    expect(hush.encodeBundle(me.identity, v.epoch, fromHex(v.prekeyPk))).toBe(v.field);
    expect(hush.encodeRevocation(me.identity, v.revokedAt, v.revocationReason as hush.RevocationReason)).toBe(
      v.revocation,
    );
  });
});

describe('envelopes.json', () => {
  it('covers 1, 2 and 20 recipients and chunked messages', () => {
    const counts = envelopes.map((v) => v.recipients.length);
    expect(counts).toEqual(expect.arrayContaining([1, 2, 20]));
    expect(envelopes.some((v) => v.chunks.length > 1 && v.recipients.length === 1)).toBe(true);
    expect(envelopes.find((v) => v.recipients.length === 20)?.chunks.length).toBeGreaterThan(1);
  });

  it.each(envelopes)('$name: every status passes both Mastodon counters', (v) => {
    for (const s of v.statuses) {
      expect(hush.serverCount(s)).toBeLessThanOrEqual(v.maxChars);
      expect(hush.webUiCount(s)).toBeLessThanOrEqual(v.maxChars);
      expect(s.startsWith(v.mentionText + hush.STATUS_PREFIX_TEXT)).toBe(true);
    }
  });

  it.each(envelopes)('$name: each reader decrypts it, in any chunk order', (v) => {
    const sender = live(P(v.sender));
    for (const reader of v.readers) {
      const me = live(P(reader));
      const ctx = {
        author: sender.party,
        recipients: v.recipients.map((n) => live(P(n)).party),
        me: { ...me.party, chain: me.chain },
        now: v.now,
      };
      for (const inputs of [v.statuses, [...v.statuses].reverse(), v.chunks.map(fromHex)]) {
        const r = hush.decryptMessage(inputs, ctx);
        expect(r.ok, `${reader}: ${r.ok ? '' : r.reason}`).toBe(true);
        if (!r.ok) continue;
        expect(r.value.plaintext).toBe(v.plaintext);
        expect(toHex(r.value.messageId)).toBe(v.randomness[1]);
        expect(r.value.replyTo === null ? null : toHex(r.value.replyTo)).toBe(v.replyTo);
        expect(r.value.createdAt).toBe(v.now);
        expect(r.value.chunkCount).toBe(v.chunks.length);
        expect(r.value.sender.actorUri).toBe(P(v.sender).actorUri);
        expect(r.value.recipients.map((p) => p.actorUri).sort()).toEqual(v.recipients.map((n) => P(n).actorUri).sort());
      }
    }
  });

  it.each(envelopes)('$name: re-encrypting with the recorded randomness reproduces it byte for byte', (v) => {
    const sender = live(P(v.sender));
    const r = hush.encryptMessage({
      sender: { identity: sender.identity, chain: sender.chain },
      recipients: v.recipients.map((n) => live(P(n)).key),
      plaintext: v.plaintext,
      replyTo: v.replyTo === null ? null : fromHex(v.replyTo),
      now: v.now,
      statusBudget: { mentionText: v.mentionText, maxChars: v.maxChars },
      rng: tapeRng(v.randomness),
    });
    expect(r.ok && r.value.chunks.map(toHex)).toEqual(v.chunks);
    expect(r.ok && r.value.statuses).toEqual(v.statuses);
  });
});

describe('safety-numbers.json', () => {
  it.each(safety)('$a/$b: digits and QR payload, order-independent', (v) => {
    const a = live(P(v.a)).party;
    const b = live(P(v.b)).party;
    const ab = hush.safetyNumber(a, b);
    const ba = hush.safetyNumber(b, a);
    expect(ab.digits).toBe(v.digits);
    expect(ab.digits).toMatch(/^\d{60}$/u);
    expect(ab.display).toBe(v.display);
    expect(toHex(ab.qrPayload)).toBe(v.qrPayload);
    expect(ba.digits).toBe(v.digits);
    expect(hush.compareSafetyPayload(ab.qrPayload, fromHex(v.qrPayload))).toBe(true);
  });
});

describe('backups.json', () => {
  it.each(backups)('$name: imports with its code to the same identity and chain; re-export is identical', (v) => {
    const r = hush.importBackup(fromHex(v.file), v.recoveryCode.toLowerCase().replace(/-/gu, ' '));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const orig = live(P(v.name));
    expect(toHex(r.value.identity.publicKey)).toBe(toHex(orig.identity.publicKey));
    expect(r.value.identity.actorUri).toBe(P(v.name).actorUri);
    expect(r.value.chain.epoch).toBe(v.epoch);
    expect(r.value.chain.retained.map((x) => x.epoch)).toEqual(v.retainedEpochs);
    expect(toHex(r.value.chain.chainSecret)).toBe(toHex(orig.chain.chainSecret));
    const again = hush.exportBackup(
      r.value,
      v.recoveryCode,
      { opslimit: v.opslimit, memlimit: v.memlimit },
      tapeRng(v.randomness),
    );
    expect(toHex(again)).toBe(v.file);
  });
});

describe('reject.json (MUST-REJECT)', () => {
  it('has at least 30 cases, each naming a reason', () => {
    expect(rejects.length).toBeGreaterThanOrEqual(30);
    expect(new Set(rejects.map((r) => r.name)).size).toBe(rejects.length);
  });

  it.each(rejects)('$kind $name -> $reason', (v) => {
    if (v.kind === 'envelope') {
      const r = decryptCase(v);
      expect(r.ok ? 'ok' : r.reason).toBe(v.reason);
    } else if (v.kind === 'bundle') {
      const r = hush.parseAndVerifyBundle(v.field, v.actorUri);
      expect(r.ok ? 'ok' : r.reason).toBe(v.reason);
    } else if (v.kind === 'revocation') {
      const r = hush.parseRevocation(v.field, v.actorUri);
      expect(r.ok ? 'ok' : r.reason).toBe(v.reason);
    } else if (v.kind === 'encrypt') {
      const sender = live(P(v.sender));
      const r = hush.encryptMessage({
        sender: { identity: sender.identity, chain: chainAt(P(v.sender), v.senderChainAt) },
        recipients: v.recipients.map((x) => ({ ...party(x), prekeyPk: fromHex(x.prekeyPk), epoch: x.epoch })),
        plaintext: v.plaintext,
        replyTo: v.replyTo === null ? null : fromHex(v.replyTo),
        now: v.now,
        statusBudget: { mentionText: v.mentionText, maxChars: v.maxChars },
      });
      expect(r.ok ? 'ok' : r.reason).toBe(v.reason);
    } else {
      const r = hush.importBackup(fromHex(v.file), v.recoveryCode);
      expect(r.ok ? 'ok' : r.reason).toBe(v.reason);
    }
  });
});

describe('accept.json (MUST-ACCEPT)', () => {
  it.each(accepts)('$kind $name -> ok', (v) => {
    const r = decryptCase(v);
    expect(r.ok ? 'ok' : r.reason).toBe('ok');
    if (!r.ok) return;
    expect({
      plaintext: r.value.plaintext,
      messageId: toHex(r.value.messageId),
      replyTo: r.value.replyTo === null ? null : toHex(r.value.replyTo),
      createdAt: r.value.createdAt,
      chunkCount: r.value.chunkCount,
      sender: r.value.sender.actorUri,
      recipients: r.value.recipients.map((p) => p.actorUri),
    }).toEqual(v.expect);
  });
});

describe('revocations.json (the §3 revocation rule)', () => {
  it('covers every reason before, at and after revokedAt', () => {
    expect(new Set(revocationRule.map((v) => v.reason))).toEqual(new Set(['unspecified', 'compromised', 'superseded']));
  });

  it.each(revocationRule)('$name -> refuses: $refuses', (v) => {
    expect(hush.revocationRefuses({ reason: v.reason, revokedAt: v.revokedAt }, v.createdAt)).toBe(v.refuses);
  });
});

interface KeysFile {
  identities: {
    name: string;
    actorUri: string;
    seed: string;
    identityPk: string;
    keyId: string;
    fingerprint: string;
  }[];
  chainSteps: {
    party: string;
    c0: string;
    steps: { epoch: number; chainSecret: string; prekeySk: string; prekeyPk: string }[];
  };
  epochs: { origin: number; period: number; t: number; epoch: number }[];
  states: {
    name: string;
    origin: number;
    period: number;
    c0: string;
    at: number;
    grace: number;
    epoch: number;
    chainSecret: string;
    retainedEpochs: number[];
    currentPrekeyPk: string;
  }[];
  rekeys: ({
    name: string;
    randomness: string[];
    origin: number;
    epoch: number;
    retainedEpochs: number[];
    chainSecret: string;
    prekeyPk: string;
  } & ({ from: { party: string; at: number }; now: number } | { now: number; period: number; firstEpoch: number }))[];
}

describe('keys.json (§2)', () => {
  const keys = load<KeysFile>('keys.json');

  it.each(keys.identities)('$name: identity key, key id and fingerprint from the seed', (v) => {
    const id = hush.identityFromSeed(v.actorUri, fromHex(v.seed));
    expect(toHex(id.publicKey)).toBe(v.identityPk);
    expect(toHex(hush.keyId(id.publicKey))).toBe(v.keyId);
    expect(hush.fingerprint(id.publicKey)).toBe(v.fingerprint);
  });

  it('chain steps: c_{e+1}, sk_e and pk_e from c_0', () => {
    let c = fromHex(keys.chainSteps.c0);
    for (const s of keys.chainSteps.steps) {
      expect(toHex(c)).toBe(s.chainSecret);
      const p = prekeyFromChainSecret(s.epoch, c);
      expect([toHex(p.secretKey), toHex(p.publicKey)]).toEqual([s.prekeySk, s.prekeyPk]);
      c = nextChainSecret(c);
    }
  });

  it.each(keys.epochs)('epoch($t) with origin $origin and period $period is $epoch', (v) => {
    expect(hush.epochAt(v.origin, v.period, v.t)).toBe(v.epoch);
  });

  it.each(keys.states)('$name: advanced and pruned state', (v) => {
    const c0 = fromHex(v.c0);
    const st = hush.pruneChain(
      hush.advanceChain(
        hush.createChain(v.origin, v.period, () => c0.slice()),
        v.at,
      ),
      v.at,
      v.grace,
    );
    expect({
      epoch: st.epoch,
      c: toHex(st.chainSecret),
      retained: st.retained.map((r) => r.epoch),
      pk: toHex(hush.currentPrekey(st).publicKey),
    }).toEqual({
      epoch: v.epoch,
      c: v.chainSecret,
      retained: v.retainedEpochs,
      pk: v.currentPrekeyPk,
    });
  });

  it.each(keys.rekeys)('$name: re-key / chain at a first epoch', (v) => {
    const st =
      'from' in v
        ? hush.rekeyChain(chainAt(P(v.from.party), v.from.at), v.now, tapeRng(v.randomness))
        : hush.createChain(v.now, v.period, tapeRng(v.randomness), { firstEpoch: v.firstEpoch });
    expect({
      origin: st.origin,
      epoch: st.epoch,
      retained: st.retained.map((r) => r.epoch),
      c: toHex(st.chainSecret),
      pk: toHex(hush.currentPrekey(st).publicKey),
    }).toEqual({
      origin: v.origin,
      epoch: v.epoch,
      retained: v.retainedEpochs,
      c: v.chainSecret,
      pk: v.prekeyPk,
    });
  });
});

describe('bundle-updates.json (§3.5 checkBundleUpdate)', () => {
  const updates =
    load<{ name: string; actorUri: string; pinned: string | null; candidate: string; result: string }[]>(
      'bundle-updates.json',
    );
  it('covers every result', () => {
    expect(new Set(updates.map((u) => u.result))).toEqual(
      new Set(['ok', 'same', 'epoch_rollback', 'equivocation', 'identity_changed']),
    );
  });
  it.each(updates)('$name -> $result', (v) => {
    const pinned = v.pinned === null ? undefined : hush.parseAndVerifyBundle(v.pinned, v.actorUri);
    const candidate = hush.parseAndVerifyBundle(v.candidate, v.actorUri);
    if ((pinned !== undefined && !pinned.ok) || !candidate.ok) throw new Error('bundles must verify');
    expect(hush.checkBundleUpdate(pinned?.value, candidate.value)).toBe(v.result);
  });
});

describe('budget.json (§4.7 counting, capacity, §4.8 planner)', () => {
  const budget = load<{
    counts: { name: string; text: string; server: number; webUi: number; count: number }[];
    capacities: { name: string; mentionText: string; maxChars: number; headCount: number; capacityBytes: number }[];
    plans: {
      name: string;
      capacity: number;
      totalWraps: number;
      plaintextLength: number;
      hasReplyTo: boolean;
      chunks?: unknown[];
      reason?: string;
    }[];
  }>('budget.json');
  it.each(budget.counts)('count $name', (v) => {
    expect([hush.serverCount(v.text), hush.webUiCount(v.text), hush.mastodonCount(v.text)]).toEqual([
      v.server,
      v.webUi,
      v.count,
    ]);
  });
  it.each(budget.capacities)('capacity $name', (v) => {
    expect(hush.mastodonCount(v.mentionText + hush.STATUS_PREFIX_TEXT)).toBe(v.headCount);
    expect(hush.chunkCapacityBytes({ mentionText: v.mentionText, maxChars: v.maxChars })).toBe(v.capacityBytes);
  });
  it.each(budget.plans)('plan $name', (v) => {
    const p = hush.planChunks(v.capacity, v.totalWraps, v.plaintextLength, v.hasReplyTo);
    expect(p.ok ? { chunks: p.value } : { reason: p.reason }).toEqual(
      v.chunks === undefined ? { reason: v.reason } : { chunks: v.chunks },
    );
  });
});

describe('envelope-steps.json (§4 intermediate values)', () => {
  const steps = load<
    {
      vector: string;
      keyId: string;
      context: string;
      commitment: string;
      epk: string;
      wraps: { wrap: string }[];
      chunks: { index: number; headerLength: number; padded: string; pieceLength: number }[];
    }[]
  >('envelope-steps.json');
  it.each(steps)('$vector: the intermediate values are those inside the chunks', (s) => {
    const v = envelopes.find((e) => e.name === s.vector);
    if (v === undefined) throw new Error('no vector');
    const c0 = v.chunks[0] ?? '';
    expect(c0.slice(48, 56)).toBe(s.keyId);
    expect(c0.slice(56, 64)).toBe(s.context.slice(0, 8));
    const at = v.replyTo === null ? 34 : 50;
    expect(c0.slice(2 * at, 2 * (at + 64))).toBe(s.epk + s.commitment);
    s.wraps.forEach((w, j) => expect(c0.slice(2 * (at + 64 + 49 * j), 2 * (at + 64 + 49 * (j + 1)))).toBe(w.wrap));
    const pieces = s.chunks.map((c) => c.padded.slice(0, 2 * c.pieceLength)).join('');
    expect(pieces).toBe(toHex(new TextEncoder().encode(v.plaintext)));
    for (const c of s.chunks) expect(c.padded.slice(2 * c.pieceLength)).toMatch(/^80(00)*$/u);
  });
});

describe('hush16.json (§4.6 status text codec)', () => {
  const h = load<{
    pairs: { name: string; bytes: string; codePoints: string[] }[];
    rejects: { name: string; codePoints: string[]; reason: string }[];
  }>('hush16.json');
  const text = (points: string[]): string => String.fromCodePoint(...points.map((p) => parseInt(p.slice(2), 16)));
  it.each(h.pairs)('$name: bytes <-> code points', (v) => {
    const r = hush.parseStatusText(`${hush.STATUS_PREFIX_TEXT}${text(v.codePoints)}`);
    expect(r.ok && toHex(r.value)).toBe(v.bytes);
  });
  it.each(h.rejects)('$name -> $reason', (v) => {
    const r = hush.parseStatusText(
      `${hush.STATUS_PREFIX_TEXT}${v.codePoints.map((p) => (p === 'U+D840' ? '\ud840' : text([p]))).join('')}`,
    );
    expect(r.ok ? 'ok' : r.reason).toBe(v.reason);
  });
});

describe('recovery-codes.json (§6.1)', () => {
  const codes = load<{ name: string; input: string; bytes: string | null }[]>('recovery-codes.json');
  it.each(codes)('$name', (v) => {
    const b = parseRecoveryCode(v.input);
    expect(b === undefined ? null : toHex(b)).toBe(v.bytes);
  });
});
