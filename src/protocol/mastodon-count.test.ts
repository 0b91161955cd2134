// Mastodon's counting rules, and the acceptance number of issue #3 checked against both counters.
import { beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url } from './bytes';
import { plaintextCapacity } from './chunking';
import { chunkCapacityBytes, encryptMessage } from './encrypt';
import { decryptMessage } from './decrypt';
import { generateIdentity } from './identity';
import { serverCount, webUiCount, fitsInStatus } from './mastodon-count';
import { createChain, currentPrekey } from './prekey-chain';
import { deterministicRng, init } from './sodium';
import { STATUS_PREFIX_TEXT } from './text-encoding';

beforeAll(async () => {
  await init();
});

describe('Mastodon counting rules', () => {
  it('counts @user@domain as @user and URLs as 23 in both counters', () => {
    expect(serverCount('@alice@social.example hi')).toBe('@alice hi'.length);
    expect(webUiCount('@alice@social.example hi')).toBe('@alice hi'.length);
    expect(serverCount('see https://example.com/a/very/long/path/indeed ok')).toBe(4 + 23 + 3);
    expect(webUiCount('see https://example.com/a/very/long/path/indeed ok')).toBe(4 + 23 + 3);
    // Non-http schemes are URLs only for the server.
    expect(serverCount('gemini://example.org/long/long/long/long/path')).toBe(23);
    expect(webUiCount('gemini://example.org/long/long/long/long/path')).toBe(
      'gemini://example.org/long/long/long/long/path'.length,
    );
  });

  it('matches mentions and URLs with ASCII-only case folding, as counter.js (/gi, no u flag) does', () => {
    // U+017F (long s) and U+212A (Kelvin sign) case-fold to s and k only under the u flag.
    expect(webUiCount('@\u017Fam@social.example ')).toBe(20);
    expect(webUiCount('@\u212Aim@social.example ')).toBe(20);
    expect(webUiCount('see http\u017F://example.com/a/very/long/path ok')).toBe(
      'see http\u017F://example.com/a/very/long/path ok'.length,
    );
    expect(serverCount('@\u017Fam@social.example ')).toBe(20);
    expect(webUiCount('@SAM@social.example ')).toBe(5);
  });

  it('differs between graphemes (server) and code points (web UI) where Unicode says so', () => {
    const family = '👩\u200d👩\u200d👧';
    expect(serverCount(family)).toBe(1);
    expect(webUiCount(family)).toBe(5);
    expect(serverCount('e\u0301')).toBe(1);
    expect(webUiCount('e\u0301')).toBe(2);
    expect(serverCount('𠀀𠀁')).toBe(2);
    expect(webUiCount('𠀀𠀁')).toBe(2);
    expect(fitsInStatus('x'.repeat(500))).toBe(true);
    expect(fitsInStatus('x'.repeat(501))).toBe(false);
  });
});

describe('acceptance: one 500-character status to @alice@social.example', () => {
  it('carries at least 600 bytes of UTF-8 plaintext under both counters; base64 of the same envelope under 150', () => {
    const rng = deterministicRng('acceptance');
    const now = 1_800_000_000;
    const bob = generateIdentity('https://bob.example/users/bob', rng);
    const alice = generateIdentity('https://social.example/users/alice', rng);
    const bobChain = createChain(now, undefined, rng);
    const aliceChain = createChain(now, undefined, rng);
    const pre = currentPrekey(aliceChain);
    const budget = { mentionText: '@alice@social.example ', maxChars: 500 };
    const capacity = chunkCapacityBytes(budget);
    const fit = plaintextCapacity(capacity, 2, false);
    expect(fit).toBeGreaterThanOrEqual(600);
    const plaintext = 'é'.repeat(300) + 'x'.repeat(fit - 600);
    expect(new TextEncoder().encode(plaintext).length).toBe(fit);
    const r = encryptMessage({
      sender: { identity: bob, chain: bobChain },
      recipients: [
        { actorUri: alice.actorUri, identityPk: alice.publicKey, prekeyPk: pre.publicKey, epoch: pre.epoch },
      ],
      plaintext,
      now,
      statusBudget: budget,
      rng,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.statuses).toHaveLength(1);
    const status = r.value.statuses[0] ?? '';
    expect(status.startsWith(`@alice@social.example ${STATUS_PREFIX_TEXT}`)).toBe(true);
    expect(serverCount(status)).toBeLessThanOrEqual(500);
    expect(webUiCount(status)).toBeLessThanOrEqual(500);
    const d = decryptMessage(r.value.statuses, {
      author: { actorUri: bob.actorUri, identityPk: bob.publicKey },
      recipients: [{ actorUri: alice.actorUri, identityPk: alice.publicKey }],
      me: { actorUri: alice.actorUri, identityPk: alice.publicKey, chain: aliceChain },
      now,
    });
    expect(d.ok && d.value.plaintext).toBe(plaintext);
    // One more byte no longer fits in one status.
    const over = encryptMessage({
      sender: { identity: bob, chain: bobChain },
      recipients: [
        { actorUri: alice.actorUri, identityPk: alice.publicKey, prekeyPk: pre.publicKey, epoch: pre.epoch },
      ],
      plaintext: `${plaintext}x`,
      now,
      statusBudget: budget,
      rng,
    });
    expect(over.ok && over.value.statuses.length).toBe(2);
    // base64 of the same envelope in the same status budget.
    const envelopeOverhead = (r.value.chunks[0]?.length ?? 0) - fit;
    const base64Chars = 500 - serverCount(`@alice@social.example ${STATUS_PREFIX_TEXT}`);
    const base64Bytes = Math.floor((base64Chars * 6) / 8);
    expect(base64Bytes - envelopeOverhead).toBeLessThan(150);
    expect(toBase64Url(new Uint8Array(3))).toHaveLength(4);
  });
});
