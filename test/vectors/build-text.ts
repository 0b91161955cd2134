// hush16.json (the status text codec at every range boundary, §4.6) and recovery-codes.json (what a recovery
// code reads as, §6.1).
import { parseRecoveryCode } from '../../src/protocol/backup';
import { toHex } from '../../src/protocol/bytes';
import { encodeHush16, parseStatusText, STATUS_PREFIX_TEXT } from '../../src/protocol/text-encoding';

const cps = (s: string): string[] =>
  Array.from(s).map((c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`);

export function buildHush16(): unknown {
  const byteCases: [string, number[]][] = [
    ['value-0', [0x00, 0x00]],
    ['last-of-extension-a', [0x19, 0xbf]],
    ['first-of-uro', [0x19, 0xc0]],
    ['last-of-uro', [0x6b, 0xbf]],
    ['first-of-extension-b', [0x6b, 0xc0]],
    ['value-65535', [0xff, 0xff]],
    ['tail-byte-0', [0x00]],
    ['tail-byte-255', [0xff]],
    ['three-bytes', [0x01, 0x00, 0x7f]],
  ];
  const pairs = byteCases.map(([name, b]) => {
    const text = encodeHush16(Uint8Array.from(b));
    return { name, bytes: toHex(Uint8Array.from(b)), codePoints: cps(text) };
  });
  const rejects: [string, number[]][] = [
    ['below-extension-a', [0x33ff]],
    ['after-extension-a', [0x4dc0]],
    ['before-uro', [0x4dff]],
    ['after-uro', [0xa000]],
    ['before-extension-b', [0x1ffff]],
    ['after-tail-range', [0x29540]],
    ['tail-not-last', [0x29440, 0x3400]],
    ['space-inside', [0x3400, 0x20, 0x3400]],
    ['lone-high-surrogate', [0xd840]],
  ];
  return {
    pairs,
    rejects: rejects.map(([name, points]) => {
      const text = String.fromCharCode(
        ...points.flatMap((p) =>
          p > 0xffff ? [0xd800 + ((p - 0x10000) >> 10), 0xdc00 + ((p - 0x10000) & 0x3ff)] : [p],
        ),
      );
      const r = parseStatusText(STATUS_PREFIX_TEXT + text);
      if (r.ok || r.reason !== 'malformed_text') throw new Error(`hush16 reject ${name}`);
      return {
        name,
        codePoints: points.map((p) => `U+${p.toString(16).toUpperCase().padStart(4, '0')}`),
        reason: r.reason,
      };
    }),
  };
}

export function buildRecoveryCodes(): unknown[] {
  const inputs: [string, string][] = [
    ['canonical', 'Y685-A4N3-EECY-CKY8-NTFD-8QNF'],
    ['lower-case-spaces', 'y685 a4n3 eecy cky8 ntfd 8qnf'],
    ['no-separators', 'Y685A4N3EECYCKY8NTFD8QNF'],
    ['tabs-and-line-breaks', 'Y685\tA4N3\r\nEECY\nCKY8 NTFD-8QNF'],
    ['o-i-l-read-as-digits', 'OIL0-0000-0000-0000-0000-0000'],
    ['all-zero', '0000-0000-0000-0000-0000-0000'],
    ['23-characters', 'Y685-A4N3-EECY-CKY8-NTFD-8QN'],
    ['25-characters', 'Y685-A4N3-EECY-CKY8-NTFD-8QNFF'],
    ['letter-u-not-in-alphabet', 'U685-A4N3-EECY-CKY8-NTFD-8QNF'],
    ['underscore-separator', 'Y685_A4N3_EECY_CKY8_NTFD_8QNF'],
    ['dotless-i', '\u0131685-A4N3-EECY-CKY8-NTFD-8QNF'],
    ['no-break-space', 'Y685\u00a0A4N3-EECY-CKY8-NTFD-8QNF'],
    ['fullwidth-digit', '\uff19685-A4N3-EECY-CKY8-NTFD-8QNF'],
    ['100-code-units', `Y685-A4N3-EECY-CKY8-NTFD-8QNF${' '.repeat(71)}`],
    ['101-code-units', `Y685-A4N3-EECY-CKY8-NTFD-8QNF${' '.repeat(72)}`],
  ];
  return inputs.map(([name, input]) => {
    const b = parseRecoveryCode(input);
    return { name, input, bytes: b === undefined ? null : toHex(b) };
  });
}
