// The Hush16 alphabet is checked against real Unicode data (Node's ICU), not against our assumptions.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  codePointToValue,
  decodeHush16,
  encodeHush16,
  parseStatusText,
  STATUS_PREFIX_TEXT,
  valueToCodePoint,
} from './text-encoding';
import { init } from './sodium';

const ALPHABET: string[] = [];
for (let v = 0; v < 65536; v++) ALPHABET.push(String.fromCodePoint(valueToCodePoint(v)));
const TAILS = Array.from({ length: 256 }, (_, b) => String.fromCodePoint(0x29440 + b));
const ALL = [...ALPHABET, ...TAILS];
const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
const graphemes = (s: string): number => Array.from(segmenter.segment(s)).length;

beforeAll(async () => {
  await init();
});

describe('Hush16 alphabet (real Unicode properties)', () => {
  it('is 65536 + 256 distinct single code points, mapped both ways', () => {
    expect(new Set(ALL).size).toBe(65536 + 256);
    for (let v = 0; v < 65536; v++) expect(codePointToValue(valueToCodePoint(v))).toBe(v);
  });

  it('is invariant under NFC, NFD, NFKC and NFKD', () => {
    const all = ALL.join('');
    for (const form of ['NFC', 'NFD', 'NFKC', 'NFKD'] as const) expect(all.normalize(form) === all, form).toBe(true);
    for (const ch of ALL)
      for (const form of ['NFC', 'NFD', 'NFKC', 'NFKD'] as const)
        if (ch.normalize(form) !== ch) throw new Error(`${form} changes U+${ch.codePointAt(0)?.toString(16) ?? ''}`);
  });

  it('has only assigned Unified_Ideographs: no emoji, pictographs, marks, joiners, spaces or syntax characters', () => {
    const bad =
      /[^\p{Unified_Ideograph}]|\p{Extended_Pictographic}|\p{Emoji}|\p{M}|\p{Cn}|\p{White_Space}|[@#:/.<>&"'=]/u;
    for (const ch of ALL) if (bad.test(ch)) throw new Error(`bad character U+${ch.codePointAt(0)?.toString(16) ?? ''}`);
  });

  it('never merges graphemes with a neighbour: every adjacent pair in full sweeps stays two clusters', () => {
    // Overlapping windows (ICU's segmenter is slow on one huge string) cover every adjacent pair.
    const sweep = (chars: readonly string[]): void => {
      for (let i = 0; i < chars.length - 1; i += 999) {
        const w = chars.slice(i, i + 1000);
        if (graphemes(w.join('')) !== w.length) throw new Error(`merge near index ${i}`);
      }
    };
    sweep(ALL);
    sweep([...ALL].reverse());
    sweep(Array.from({ length: ALL.length }, (_, i) => ALL[(i * 7919) % ALL.length] ?? ''));
    // Neighbours from a status: the prefix's space/bracket, mentions, newline, ASCII, emoji. A following
    // combining mark or joiner attaches to our character (Unicode rule GB9), which decodeHush16 rejects.
    for (const n of [' ', ']', '\n', 'a', '🙂'])
      expect(graphemes(`${n}${ALL[0] ?? ''}${ALL[65535] ?? ''}${n}`)).toBe(4);
  });

  it('survives HTML escaping and textContent extraction unchanged', () => {
    const s = encodeHush16(Uint8Array.from({ length: 301 }, (_, i) => (i * 37) & 255));
    const escaped = s.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;').replace(/"/gu, '&quot;');
    expect(escaped).toBe(s);
    const html = `<p><span class="h-card"><a href="x">@<span>bob</span></a></span> ${STATUS_PREFIX_TEXT}${s}</p>`;
    const text = html.replace(/<[^>]*>/gu, '');
    const r = parseStatusText(text);
    expect(r.ok && Array.from(r.value)).toEqual(Array.from({ length: 301 }, (_, i) => (i * 37) & 255));
  });
});

describe('Hush16 codec', () => {
  it('round-trips even and odd lengths, including empty', () => {
    for (const n of [0, 1, 2, 3, 100, 939, 940]) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 131 + 7) & 255);
      expect(Array.from(decodeHush16(encodeHush16(b)) ?? [])).toEqual(Array.from(b));
      expect(Array.from(encodeHush16(b)).length).toBe(Math.ceil(n / 2));
    }
  });

  it('rejects characters outside the alphabet and tails before the end', () => {
    const s = encodeHush16(new Uint8Array([1, 2, 3, 4, 5]));
    expect(decodeHush16(s)).toBeDefined();
    expect(decodeHush16(`${s}a`)).toBeUndefined();
    expect(decodeHush16(`${s}\u3399`)).toBeUndefined();
    expect(decodeHush16(String.fromCodePoint(0x29441) + s)).toBeUndefined();
    expect(decodeHush16(`${s}\ud800`)).toBeUndefined();
    expect(decodeHush16(String.fromCodePoint(0x29540))).toBeUndefined();
  });

  it('parses status text: tolerant to whitespace Mastodon adds, strict about everything else', () => {
    const s = encodeHush16(new Uint8Array([9, 8, 7]));
    expect(parseStatusText(`@bob ${STATUS_PREFIX_TEXT}${s}`).ok).toBe(true);
    expect(parseStatusText(`@bob [Hush encrypted message]\n${s}\n `).ok).toBe(true);
    expect(parseStatusText('hello')).toMatchObject({ ok: false, reason: 'not_hush' });
    expect(parseStatusText(`${STATUS_PREFIX_TEXT}${s} x`)).toMatchObject({ ok: false, reason: 'malformed_text' });
    expect(parseStatusText(`${STATUS_PREFIX_TEXT}${'\u4e00'.repeat(9000)}`)).toMatchObject({
      ok: false,
      reason: 'malformed_text',
    });
  });
});

describe('why not base32768 (15 bits/char, BMP only)', () => {
  // Blocks that qntm's base32768 repertoire uses (read from its published repertoire: 32-character
  // blocks starting at U+1100, U+1120, U+1140 (Hangul leading jamo), U+1180 (vowel jamo), U+11E0 (trailing
  // jamo), and U+2600..U+27BF, U+23C0, U+2B00..U+2B5F, U+2900..U+297F (symbols)). Checked here with real
  // Unicode data; docs/PROTOCOL.md §4.14 gives the numbers.
  const range = (a: number, b: number): string[] =>
    Array.from({ length: b - a + 1 }, (_, i) => String.fromCodePoint(a + i));
  it('its symbol blocks contain emoji (Extended_Pictographic), which Mastodon may render as images', () => {
    const symbols = [
      ...range(0x2600, 0x27bf),
      ...range(0x23c0, 0x23df),
      ...range(0x2b00, 0x2b5f),
      ...range(0x2900, 0x297f),
    ];
    expect(symbols.filter((c) => /\p{Extended_Pictographic}/u.test(c)).length).toBe(126);
  });

  it('its Hangul jamo merge into one grapheme and are composed by NFC', () => {
    expect(graphemes('\u1100\u1100')).toBe(1);
    expect('\u1100\u1161\u11a8'.normalize('NFC')).toBe('\uac01');
  });
});
