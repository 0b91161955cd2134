// inspectMessage: the unauthenticated pre-check a client runs before resolving anyone's key (issue #21, PROTOCOL §4.10 client rule).
import { beforeAll, describe, expect, it } from 'vitest';
import { createChain, currentPrekey, encryptMessage, generateIdentity, init, inspectMessage, keyId } from './index';

beforeAll(init);

function message(n: number, maxChars: number): { statuses: readonly string[]; senderKeyId: Uint8Array } {
  const sender = generateIdentity('https://a.test/users/s');
  const recipients = Array.from({ length: n }, (_, i) => {
    const id = generateIdentity(`https://b.test/users/r${i}`);
    const pre = currentPrekey(createChain(1_800_000_000));
    return { actorUri: id.actorUri, identityPk: id.publicKey, prekeyPk: pre.publicKey, epoch: pre.epoch };
  });
  const r = encryptMessage({
    sender: { identity: sender, chain: createChain(1_800_000_000) },
    recipients,
    plaintext: 'x'.repeat(600),
    now: 1_800_000_000,
    statusBudget: { maxChars, mentionText: '@r ' },
  });
  if (!r.ok) throw new Error(r.reason);
  return { statuses: r.value.statuses, senderKeyId: keyId(sender.publicKey) };
}

describe('inspectMessage', () => {
  it('reports the claimed sender key id and, once every chunk is present, the number of recipients', () => {
    const m = message(3, 500);
    expect(m.statuses.length).toBeGreaterThan(1);
    const all = inspectMessage(m.statuses);
    expect(all).toMatchObject({ ok: true, value: { recipientCount: 3 } });
    if (all.ok) expect([...all.value.senderKeyId]).toEqual([...m.senderKeyId]);
    // A part missing: the count is unknown (null), never guessed.
    expect(inspectMessage(m.statuses.slice(1))).toMatchObject({ ok: true, value: { recipientCount: null } });
  });

  it('refuses what is not a Hush chunk', () => {
    expect(inspectMessage([])).toMatchObject({ ok: false, reason: 'incomplete' });
    expect(inspectMessage(['hello'])).toMatchObject({ ok: false, reason: 'not_hush' });
    expect(
      inspectMessage([
        '@alice [Hush encrypted message] 一丁丂七丄丅丆万丈三上下丌不与丏丐丑丒专且丕世丗丘丙业丛东丝丞丟',
      ]).ok,
    ).toBe(false);
  });
});
