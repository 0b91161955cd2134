// Behaviour of encryptMessage/decryptMessage beyond the vectors: devices, groups, chunking, expiry.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ALICE,
  BOB,
  CAROL,
  DAVE,
  MANY,
  NOW,
  WEEK,
  chainAt,
  live,
  mentionOf,
  type LiveParty,
} from '../../test/vectors/fixtures';
import { decryptMessage, inspectChunk, type DecryptContext } from './decrypt';
import { encryptMessage, type EncryptInput } from './encrypt';
import { fitsInStatus } from './mastodon-count';
import { advanceChain, createChain, currentPrekey, rekeyChain, wipeChainState } from './prekey-chain';
import { checkBundleUpdate, encodeBundle, parseAndVerifyBundle, type Bundle } from './bundle';
import { toHex } from './bytes';
import { deterministicRng, init } from './sodium';

beforeAll(async () => {
  await init();
});

const mention = (ps: readonly LiveParty[]): string => `${ps.map((p) => mentionOf(p.spec)).join(' ')} `;

function send(from: LiveParty, to: readonly LiveParty[], plaintext: string, over: Partial<EncryptInput> = {}) {
  const r = encryptMessage({
    sender: { identity: from.identity, chain: from.chain },
    recipients: to.map((p) => p.key),
    plaintext,
    now: NOW,
    statusBudget: { mentionText: mention(to) },
    rng: deterministicRng(`msg/${plaintext.length}/${to.length}`),
    ...over,
  });
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

const ctx = (author: LiveParty, to: readonly LiveParty[], me: LiveParty, now = NOW): DecryptContext => ({
  author: author.party,
  recipients: to.map((p) => p.party),
  me: { ...me.party, chain: me.chain },
  now,
});

describe('encryptMessage / decryptMessage', () => {
  it('every recipient and the sender (any of its devices) read it; the authenticated metadata is returned', () => {
    const [alice, bob, carol] = [live(ALICE), live(BOB), live(CAROL)];
    const replyTo = new Uint8Array(16).fill(7);
    const m = send(alice, [bob, carol], 'group hello', { replyTo });
    for (const me of [bob, carol, alice]) {
      const r = decryptMessage(m.statuses, ctx(alice, [bob, carol], me));
      expect(r.ok && r.value.plaintext).toBe('group hello');
      expect(r.ok && Array.from(r.value.replyTo ?? [])).toEqual(Array.from(replyTo));
    }
    // A second device of Alice restored from the same chain state, a week later, still reads it.
    const later = { ...alice, chain: advanceChain(alice.chain, NOW + WEEK) };
    expect(decryptMessage(m.statuses, ctx(alice, [bob, carol], later, NOW + WEEK)).ok).toBe(true);
  });

  it('the mention order in the status does not matter (recipients are sorted by key)', () => {
    const [alice, bob, carol, dave] = [live(ALICE), live(BOB), live(CAROL), live(DAVE)];
    const m = send(alice, [dave, bob, carol], 'order');
    expect(decryptMessage(m.statuses, ctx(alice, [carol, dave, bob], carol)).ok).toBe(true);
  });

  it('20 recipients need several statuses; each passes both counters; every recipient reads it', () => {
    const alice = live(ALICE);
    const many = MANY.map((s) => live(s));
    const m = send(alice, many, 'twenty');
    expect(m.statuses.length).toBeGreaterThan(1);
    for (const s of m.statuses) expect(fitsInStatus(s)).toBe(true);
    for (const me of [many[0], many[19], alice])
      if (me) expect(decryptMessage(m.statuses, ctx(alice, many, me)).ok).toBe(true);
  });

  it('pads every chunk to the status capacity: lengths leak only the number of chunks', () => {
    const [alice, bob] = [live(ALICE), live(BOB)];
    const a = send(alice, [bob], 'x');
    const b = send(alice, [bob], 'y'.repeat(600));
    expect(a.chunks.map((c) => c.length)).toEqual(b.chunks.map((c) => c.length));
    expect(Array.from(a.statuses[0] ?? '').length).toBe(Array.from(b.statuses[0] ?? '').length);
  });

  it('a long message spans chunks; any missing chunk gives incomplete; inspectChunk groups them', () => {
    const [alice, bob] = [live(ALICE), live(BOB)];
    const m = send(alice, [bob], 'Lorem ipsum dolor sit amet. '.repeat(120));
    // 3360 bytes: 659 in the first status (it also carries the wraps), 825 in each further one.
    expect(m.statuses.length).toBe(5);
    const ids = m.statuses.map((s) => inspectChunk(s));
    expect(ids.map((i) => i.ok && i.value.chunkIndex)).toEqual([0, 1, 2, 3, 4]);
    for (let drop = 0; drop < 5; drop++) {
      const r = decryptMessage(
        m.statuses.filter((_, i) => i !== drop),
        ctx(alice, [bob], bob),
      );
      expect(r.ok ? 'ok' : r.reason).toBe('incomplete');
    }
    const dup = decryptMessage([...m.statuses, m.statuses[1] ?? ''], ctx(alice, [bob], bob));
    expect(dup.ok).toBe(true);
  });

  it('handles the clock edges of prekeys: sender one epoch ahead works, past the grace window expires', () => {
    const [alice, bob] = [live(ALICE), live(BOB)];
    const bobAhead = advanceChain(bob.chain, NOW + WEEK);
    const pre = currentPrekey(bobAhead);
    const m = send(alice, [bob], 'ahead', { recipients: [{ ...bob.key, prekeyPk: pre.publicKey, epoch: pre.epoch }] });
    expect(decryptMessage(m.statuses, ctx(alice, [bob], bob)).ok).toBe(true);
    const old = send(alice, [bob], 'old');
    const bobLater = { ...bob, chain: chainAt(BOB, NOW + 10 * WEEK) };
    const r = decryptMessage(old.statuses, ctx(alice, [bob], bobLater, NOW + 10 * WEEK));
    expect(r.ok ? 'ok' : r.reason).toBe('expired_prekey');
  });

  it('refuses to encrypt to an invalid recipient list or into a budget that cannot hold a wrap', () => {
    const [alice, bob] = [live(ALICE), live(BOB)];
    const base = {
      sender: { identity: alice.identity, chain: alice.chain },
      plaintext: 'x',
      now: NOW,
      statusBudget: { mentionText: '@bob ' },
    };
    expect(encryptMessage({ ...base, recipients: [] })).toMatchObject({ ok: false, reason: 'bad_recipients' });
    expect(encryptMessage({ ...base, recipients: [alice.key] })).toMatchObject({ ok: false, reason: 'bad_recipients' });
    expect(
      encryptMessage({ ...base, recipients: [bob.key, { ...bob.key, actorUri: 'https://x.example/u/b' }] }),
    ).toMatchObject({ ok: false, reason: 'bad_recipients' });
    expect(
      encryptMessage({ ...base, recipients: [bob.key], statusBudget: { mentionText: '@bob ', maxChars: 100 } }),
    ).toMatchObject({ ok: false, reason: 'budget_too_small' });
    expect(encryptMessage({ ...base, recipients: [bob.key], plaintext: 'x'.repeat(20000) })).toMatchObject({
      ok: false,
      reason: 'too_long',
    });
    expect(encryptMessage({ ...base, recipients: [{ ...bob.key, prekeyPk: new Uint8Array(32) }] })).toMatchObject({
      ok: false,
      reason: 'bad_prekey',
    });
  });

  it('never throws on hostile inputs of any shape', () => {
    const [alice, bob] = [live(ALICE), live(BOB)];
    const c = ctx(alice, [bob], bob);
    const junk: unknown[][] = [
      [],
      [''],
      ['\ud800'],
      [new Uint8Array(0)],
      [new Uint8Array(20000)],
      [new Uint8Array([1, 0, 0, 1])],
      Array.from({ length: 100 }, () => 'x'),
    ];
    for (const j of junk) {
      const r = decryptMessage(j as string[], c);
      expect(r.ok).toBe(false);
    }
  });

  it('explicit re-key (§2): the new bundle is accepted as ok, new messages use the new chain, old ones stay readable', () => {
    const [alice, bob] = [live(ALICE), live(BOB)];
    const bundleOf = (chain: typeof bob.chain): Bundle => {
      const pre = currentPrekey(chain);
      const r = parseAndVerifyBundle(encodeBundle(bob.identity, pre.epoch, pre.publicKey), bob.spec.actorUri);
      if (!r.ok) throw new Error(r.reason);
      return r.value;
    };
    const pinned = bundleOf(bob.chain);
    const before = send(alice, [bob], 'sent before the re-key');
    const rekeyed = rekeyChain(bob.chain, NOW, deterministicRng('rekey'));
    expect(rekeyed.epoch).toBe(bob.chain.epoch + 1);
    expect(rekeyed.origin).toBe(bob.chain.origin);
    // A fresh chain starting at epoch 0 is what the spec used to imply: it trips the rollback check.
    const naive = createChain(NOW, undefined, deterministicRng('rekey-naive'));
    expect(checkBundleUpdate(pinned, bundleOf(naive))).toBe('epoch_rollback');
    expect(checkBundleUpdate(pinned, bundleOf(rekeyed))).toBe('ok');
    // Same result with only the published epoch known (no old state): createChain's firstEpoch option.
    const fromEpoch = createChain(NOW, undefined, deterministicRng('rekey-2'), { firstEpoch: pinned.epoch + 1 });
    expect(fromEpoch.epoch).toBe(pinned.epoch + 1);
    expect(checkBundleUpdate(pinned, bundleOf(fromEpoch))).toBe('ok');
    // The old chain does not predict the new prekey.
    const oldNext = advanceChain(bob.chain, NOW + WEEK);
    expect(toHex(currentPrekey(oldNext).publicKey)).not.toBe(toHex(currentPrekey(rekeyed).publicKey));
    // Sender pins the new bundle; Bob reads new and old messages with the re-keyed state.
    const after = send(
      alice,
      [{ ...bob, key: { ...bob.key, prekeyPk: currentPrekey(rekeyed).publicKey, epoch: rekeyed.epoch } }],
      'sent after the re-key',
    );
    const bobCtx = (chain: typeof bob.chain) => ({ ...ctx(alice, [bob], bob), me: { ...bob.party, chain } });
    expect(decryptMessage(after.statuses, bobCtx(rekeyed))).toMatchObject({
      ok: true,
      value: { plaintext: 'sent after the re-key' },
    });
    expect(decryptMessage(before.statuses, bobCtx(rekeyed))).toMatchObject({
      ok: true,
      value: { plaintext: 'sent before the re-key' },
    });
    expect(decryptMessage(after.statuses, bobCtx(bob.chain)).ok).toBe(false);
    // The clock catching up does not move the re-keyed state; the epoch after does, from the new secret.
    expect(advanceChain(rekeyed, NOW + 1)).toBe(rekeyed);
    wipeChainState(bob.chain, rekeyed);
    expect(decryptMessage(before.statuses, bobCtx(rekeyed)).ok).toBe(true);
  });
});
