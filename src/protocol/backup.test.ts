import { beforeAll, describe, expect, it } from 'vitest';
import { BACKUP_MEMLIMIT, BACKUP_OPSLIMIT, exportBackup, generateRecoveryCode, importBackup, parseRecoveryCode } from './backup';
import { generateIdentity } from './identity';
import { advanceChain, createChain } from './prekey-chain';
import { deterministicRng, init } from './sodium';
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
    expect(toHex(parseRecoveryCode(code.toLowerCase().replace(/-/gu, ' ')) ?? new Uint8Array())).toBe(toHex(bytes ?? new Uint8Array(1)));
    expect(toHex(parseRecoveryCode('OOOO-IIII-LLLL-0000-1111-1111') ?? new Uint8Array())).toBe(toHex(parseRecoveryCode('0000-1111-1111-0000-1111-1111') ?? new Uint8Array(1)));
    expect(parseRecoveryCode('UUUU-0000-0000-0000-0000-0000')).toBeUndefined();
    expect(parseRecoveryCode('0000-0000')).toBeUndefined();
    expect(importBackup(new Uint8Array(10), 'nonsense')).toMatchObject({ ok: false, reason: 'malformed_code' });
    expect(importBackup(new Uint8Array(10), code)).toMatchObject({ ok: false, reason: 'malformed' });
  });
});
