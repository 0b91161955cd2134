// Protocol benchmark (not a test): `npm run bench`.
// 1. Capacity: UTF-8 plaintext bytes that fit in ONE 500-character status, Hush16 vs base64 (and a
//    15-bit base32768-style alphabet) carrying the very same envelope format.
// 2. Cost: encrypt+sign and verify+decrypt per message for 1/5/20 recipients, as a ratio to the raw
//    libsodium calls the protocol is made of (so the number shows our overhead, not the machine).
import sodiumLib from 'libsodium-wrappers-sumo';
import * as hush from '../src/protocol/index';
import { plaintextCapacity } from '../src/protocol/chunking';
import { deterministicRng } from '../src/protocol/sodium';

await hush.init();
const s = sodiumLib;
const NOW = 1_800_000_000;
const MAX = 500;

interface P {
  name: string;
  host: string;
  identity: hush.Identity;
  chain: hush.PrekeyChainState;
}
const rng = deterministicRng('bench');
const mk = (name: string, host: string): P => ({
  name,
  host,
  identity: hush.generateIdentity(`https://${host}/users/${name}`, rng),
  chain: hush.createChain(NOW - 1000, undefined, rng),
});
const sender = mk('alice', 'social.example');
const pool = Array.from({ length: 20 }, (_, i) => mk(`user${i + 1}`, `instance${i % 5}.example`));
const mention = (ps: readonly P[]): string => `${ps.map((p) => `@${p.name}@${p.host}`).join(' ')} `;
const key = (p: P): hush.RecipientKey => {
  const pre = hush.currentPrekey(p.chain);
  return { actorUri: p.identity.actorUri, identityPk: p.identity.publicKey, prekeyPk: pre.publicKey, epoch: pre.epoch };
};

// ---- 1. capacity ----
console.log(`\nCapacity of one ${MAX}-character status (same envelope, different text encodings)\n`);
const rows: string[][] = [
  ['recipients', 'mention text counts', 'chars left', 'Hush16 (16 bit/char)', 'base32768-like (15)', 'base64 (6)'],
];
for (const n of [1, 5]) {
  // The acceptance case: one remote recipient "@alice@social.example".
  const to = n === 1 ? [{ ...pool[0], name: 'alice', host: 'social.example' } as P] : pool.slice(0, n);
  const budget = { mentionText: mention(to), maxChars: MAX };
  const head = budget.mentionText + hush.STATUS_PREFIX_TEXT;
  const chars = MAX - hush.mastodonCount(head);
  const wraps = n + 1;
  const ours = plaintextCapacity(hush.chunkCapacityBytes(budget), wraps, false);
  const b32k = plaintextCapacity(Math.floor((chars * 15) / 8), wraps, false);
  const b64 = plaintextCapacity(Math.floor((chars * 6) / 8), wraps, false);
  rows.push([
    String(n),
    String(hush.mastodonCount(budget.mentionText)),
    String(chars),
    `${ours} B`,
    `${b32k} B`,
    b64 < 0 ? 'does not fit (needs >1 status)' : `${b64} B`,
  ]);
}
printTable(rows);

// ---- 2. cost ----
function time(fn: () => void, minMs = 250): number {
  for (let i = 0; i < 3; i++) fn();
  let iters = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    fn();
    iters++;
    t = performance.now();
  }
  return ((t - t0) * 1000) / iters; // microseconds per call
}

console.log(`\nCost per message (µs), ratio = protocol / raw libsodium calls it is made of\n`);
const cost: string[][] = [['recipients', 'statuses', 'encrypt+sign', 'raw', 'ratio', 'verify+decrypt', 'raw', 'ratio']];
for (const n of [1, 5, 20]) {
  const to = pool.slice(0, n);
  const budget = { mentionText: mention(to), maxChars: MAX };
  const plaintext = 'x'.repeat(Math.max(1, plaintextCapacity(hush.chunkCapacityBytes(budget), n + 1, false)));
  const enc = () =>
    hush.encryptMessage({
      sender: { identity: sender.identity, chain: sender.chain },
      recipients: to.map(key),
      plaintext,
      now: NOW,
      statusBudget: budget,
    });
  const m = enc();
  if (!m.ok) throw new Error(m.reason);
  const chunks = m.value.chunks;
  const me = to[n - 1] as P;
  const ctx: hush.DecryptContext = {
    author: { actorUri: sender.identity.actorUri, identityPk: sender.identity.publicKey },
    recipients: to.map((p) => ({ actorUri: p.identity.actorUri, identityPk: p.identity.publicKey })),
    me: { actorUri: me.identity.actorUri, identityPk: me.identity.publicKey, chain: me.chain },
    now: NOW,
  };
  const dec = () => {
    const r = hush.decryptMessage(m.value.statuses, ctx);
    if (!r.ok) throw new Error(r.reason);
  };
  // Raw primitive calls, same counts and sizes as the protocol uses.
  const prekeys = to.map((p) => hush.currentPrekey(p.chain).publicKey);
  const sizes = chunks.map((c) => c.length);
  const key32 = s.randombytes_buf(32);
  const n24 = s.randombytes_buf(24);
  const raw = () => {
    const mkey = s.randombytes_buf(32);
    s.randombytes_buf(16);
    const esk = s.randombytes_buf(32);
    s.crypto_scalarmult_base(esk);
    for (const pk of [...prekeys, prekeys[0] as Uint8Array]) {
      const ss = s.crypto_scalarmult(esk, pk);
      s.crypto_generichash(56, ss, ss);
      s.crypto_aead_xchacha20poly1305_ietf_encrypt(mkey, null, null, n24, key32);
    }
    s.crypto_generichash(32, mkey, mkey); // commitment
    for (const size of sizes) {
      s.crypto_generichash(56, mkey, mkey);
      const body = s.crypto_aead_xchacha20poly1305_ietf_encrypt(new Uint8Array(size - 200), null, null, n24, key32);
      s.crypto_sign_detached(new Uint8Array(body.length + 200), sender.identity.secretKey);
    }
  };
  const sigs = chunks.map((c) => s.crypto_sign_detached(c, sender.identity.secretKey));
  const sealedMk = s.crypto_aead_xchacha20poly1305_ietf_encrypt(key32, null, null, n24, key32);
  const bodies = sizes.map((size) =>
    s.crypto_aead_xchacha20poly1305_ietf_encrypt(new Uint8Array(size - 200), null, null, n24, key32),
  );
  const esk = s.randombytes_buf(32);
  const rawDec = () => {
    chunks.forEach((c, i) => s.crypto_sign_verify_detached(sigs[i] as Uint8Array, c, sender.identity.publicKey));
    const ss = s.crypto_scalarmult(esk, prekeys[0] as Uint8Array);
    s.crypto_generichash(56, ss, ss);
    const mkey = s.crypto_aead_xchacha20poly1305_ietf_decrypt(null, sealedMk, null, n24, key32);
    s.crypto_generichash(32, mkey, mkey);
    for (const b of bodies) {
      s.crypto_generichash(56, mkey, mkey);
      s.crypto_aead_xchacha20poly1305_ietf_decrypt(null, b, null, n24, key32);
    }
  };
  const te = time(() => void enc());
  const tr = time(raw);
  const td = time(dec);
  const trd = time(rawDec);
  cost.push([
    String(n),
    String(chunks.length),
    te.toFixed(0),
    tr.toFixed(0),
    (te / tr).toFixed(2),
    td.toFixed(0),
    trd.toFixed(0),
    (td / trd).toFixed(2),
  ]);
}
printTable(cost);
console.log(
  '\nRaw = the libsodium calls alone (random draws, X25519, BLAKE2b, XChaCha20-Poly1305, Ed25519) with the same sizes;',
);
console.log('the ratio is our overhead: parsing, Hush16 text encoding, Mastodon counting (Intl.Segmenter), copies.\n');

function printTable(t: string[][]): void {
  const widths = (t[0] ?? []).map((_, c) => Math.max(...t.map((r) => (r[c] ?? '').length)));
  for (const [i, r] of t.entries()) {
    console.log(r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}
