import fc from 'fast-check';
import sodium from 'libsodium-wrappers-sumo';
import { beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { b64, b64std, hex, unb64, unb64std, unhex } from '../src/messaging/encoding';

beforeAll(async () => {
  await sodium.ready;
});

const runs = { numRuns: 1000 };
const SRC = join(__dirname, '../src');

describe('encoding (one codec outside the protocol core)', () => {
  it('writes exactly what the libsodium codecs it replaced wrote, so stored values read back the same', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(b64(bytes)).toBe(sodium.to_base64(bytes, sodium.base64_variants.URLSAFE_NO_PADDING));
        expect(b64std(bytes)).toBe(sodium.to_base64(bytes, sodium.base64_variants.ORIGINAL));
        expect(hex(bytes)).toBe(sodium.to_hex(bytes));
      }),
      runs,
    );
  });

  it('round-trips any bytes, large ones too', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(unb64(b64(bytes))).toEqual(bytes);
        expect(unb64std(b64std(bytes))).toEqual(bytes);
        if (bytes.length > 0) expect(unhex(hex(bytes))).toEqual(bytes);
      }),
      runs,
    );
    const big = new Uint8Array(200_000).map((_, i) => i * 7);
    expect(unb64(b64(big))).toEqual(big);
  });

  it.each(['a', 'ab=', 'a+b/', 'ab cd', 'é', 'AB', 'AAB'])(
    'base64url refuses %j (malformed or not canonical) instead of throwing',
    (text) => {
      expect(unb64(text)).toBeUndefined();
    },
  );

  it('refuses non-strings, padding and non-canonical forms in each codec', () => {
    for (const x of [null, 1, {}, ['AA']]) {
      expect(unb64(x)).toBeUndefined();
      expect(unb64std(x)).toBeUndefined();
      expect(unhex(x)).toBeUndefined();
    }
    expect(unb64std('AB==')).toBeUndefined(); // low bits set: 'AA==' is the canonical text of [0]
    expect(unb64std('AA==')).toEqual(new Uint8Array([0]));
    expect(unb64std('AA')).toBeUndefined();
    expect(unb64std('AA-_')).toBeUndefined();
    for (const bad of ['', 'A', 'AB', '0g', 'zz', ' 00']) expect(unhex(bad)).toBeUndefined();
  });

  it('any text: decoders never throw, and whatever they accept is the encoder output for its bytes', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        const a = unb64(text);
        if (a !== undefined) expect(b64(a)).toBe(text);
        const b = unb64std(text);
        if (b !== undefined) expect(b64std(b)).toBe(text);
        const c = unhex(text);
        if (c !== undefined) expect(hex(c)).toBe(text);
      }),
      runs,
    );
  });

  it('is the only base64 codec in src/ outside the protocol core (no btoa/atob anywhere else)', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (
          /\.tsx?$/.test(e.name) &&
          !/\.test\.tsx?$/.test(e.name) &&
          /\b(?:btoa|atob)\(/.test(readFileSync(p, 'utf8'))
        )
          offenders.push(relative(SRC, p));
      }
    };
    walk(SRC);
    expect(offenders).toEqual(['messaging/encoding.ts']);
  });
});
