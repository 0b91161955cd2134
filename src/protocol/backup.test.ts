import { beforeAll, describe, expect, it } from 'vitest';
import {
  BACKUP_MEMLIMIT,
  BACKUP_OPSLIMIT,
  exportBackup,
  generateRecoveryCode,
  importBackup,
  parseRecoveryCode,
} from './backup';
import { generateIdentity } from './identity';
import { advanceChain, createChain, rekeyChain } from './prekey-chain';
import { deterministicRng, init } from './sodium';
import { fromBase32Crockford } from './base32';
import { readU32, toHex } from './bytes';

beforeAll(async () => {
  await init();
});

const T0 = 1_800_000_000;

describe('backup', () => {
  it('round-trips with the real default Argon2id parameters; a wrong code fails cleanly', () => {
    expect(BACKUP_OPSLIMIT).toBeGreaterThanOrEqual(3);
    expect(BACKUP_MEMLIMIT).toBeGreaterThanOrEqual(64 * 1024 * 1024);
    const rng = deterministicRng('backup');
    const identity = generateIdentity('https://a.example/users/a', rng);
    const chain = advanceChain(createChain(T0, undefined, rng), T0 + 20 * 86400);
    const code = generateRecoveryCode();
    const file = exportBackup({ identity, chain }, code);
    expect([readU32(file, 2), readU32(file, 6)]).toEqual([BACKUP_OPSLIMIT, BACKUP_MEMLIMIT]);
    const r = importBackup(file, code);
    expect(r.ok && toHex(r.value.identity.publicKey)).toBe(toHex(identity.publicKey));
    expect(r.ok && r.value.chain.retained.map((x) => x.epoch)).toEqual(chain.retained.map((x) => x.epoch));
    expect(importBackup(file, generateRecoveryCode())).toMatchObject({ ok: false, reason: 'wrong_code_or_corrupt' });
  });

  it('recovery codes: 120 bits, grouped, typo-tolerant where Crockford says so, strict otherwise', () => {
    const code = generateRecoveryCode(deterministicRng('code'));
    expect(code).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){5}[0-9A-HJKMNP-TV-Z]{4}$/u);
    const bytes = parseRecoveryCode(code);
    expect(bytes?.length).toBe(15);
    expect(toHex(parseRecoveryCode(code.toLowerCase().replace(/-/gu, ' ')) ?? new Uint8Array())).toBe(
      toHex(bytes ?? new Uint8Array(1)),
    );
    expect(toHex(parseRecoveryCode('OOOO-IIII-LLLL-0000-1111-1111') ?? new Uint8Array())).toBe(
      toHex(parseRecoveryCode('0000-1111-1111-0000-1111-1111') ?? new Uint8Array(1)),
    );
    expect(parseRecoveryCode('UUUU-0000-0000-0000-0000-0000')).toBeUndefined();
    expect(parseRecoveryCode('0000-0000')).toBeUndefined();
    expect(importBackup(new Uint8Array(10), 'nonsense')).toMatchObject({ ok: false, reason: 'malformed_code' });
    expect(importBackup(new Uint8Array(10), code)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('recovery codes: only ASCII letters fold (no toUpperCase on other scripts), only ASCII separators are ignored', () => {
    const code = '1S1S-0000-0000-0000-0000-0000';
    const bytes = toHex(parseRecoveryCode(code) ?? new Uint8Array());
    expect(bytes).toHaveLength(30);
    expect(toHex(parseRecoveryCode(code.toLowerCase()) ?? new Uint8Array())).toBe(bytes);
    expect(toHex(parseRecoveryCode('iSlS-0000 0000\t0000\n0000-oOoO') ?? new Uint8Array())).toBe(bytes);
    expect(parseRecoveryCode('\u0131S1S-0000-0000-0000-0000-0000')).toBeUndefined(); // dotless i -> I under toUpperCase
    expect(parseRecoveryCode('1\ufb061S-0000-0000-0000-0000-0000')).toBeUndefined(); // st ligature -> "ST"
    expect(parseRecoveryCode('1S1S\u30000000-0000-0000-0000-0000')).toBeUndefined(); // ideographic space
    expect(parseRecoveryCode('1S1S\u00a00000-0000-0000-0000-0000')).toBeUndefined(); // no-break space
    expect(fromBase32Crockford('\u212a0000000')).toBeUndefined(); // Kelvin sign is not K
    expect(fromBase32Crockford('k0000000')).toEqual(fromBase32Crockford('K0000000'));
  });

  it('export refuses, and import rejects, a chain state breaking the §6 consistency rules; a re-keyed chain round-trips', () => {
    const rng = deterministicRng('backup-consistency');
    const identity = generateIdentity('https://a.example/users/a', rng);
    const chain = advanceChain(createChain(T0, undefined, rng), T0 + 20 * 86400);
    const code = generateRecoveryCode(rng);
    const cheap = { opslimit: 1, memlimit: 8192 };
    const older = chain.retained.slice(0, -1);
    const cur = chain.retained[chain.retained.length - 1];
    if (cur === undefined) throw new Error('no current prekey');
    const bad = [
      { ...chain, retained: older },
      { ...chain, retained: [cur, ...older] },
      { ...chain, retained: [...chain.retained, { ...cur, epoch: 99999 }] },
      { ...chain, retained: [...older, { ...cur, secretKey: new Uint8Array(32).fill(1) }] },
      { ...chain, epoch: 0xffff0000 },
    ];
    for (const c of bad) expect(() => exportBackup({ identity, chain: c }, code, cheap, rng)).toThrow(RangeError);
    const rekeyed = rekeyChain(chain, T0 + 20 * 86400, rng);
    const r = importBackup(exportBackup({ identity, chain: rekeyed }, code, cheap, rng), code);
    expect(r.ok && r.value.chain.retained.map((x) => x.epoch)).toEqual([0, 1, 2, 3]);
    expect(r.ok && toHex(r.value.chain.chainSecret)).toBe(toHex(rekeyed.chainSecret));
  });
});
