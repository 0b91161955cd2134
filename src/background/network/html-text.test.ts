import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { htmlToText } from './html-text';

describe('htmlToText (profile field values are HTML in REST)', () => {
  it('strips tags and decodes entities', () => {
    expect(htmlToText('Hush encryption key <span>AQE</span>&amp;x')).toBe('Hush encryption key AQE&x');
    expect(htmlToText('<a href="https://x" rel="me"><span class="invisible">https://</span><span>x</span></a>')).toBe(
      'https://x',
    );
    expect(htmlToText('a&lt;b&gt;&quot;&#39;&#x1F389;&nbsp;')).toBe('a<b>"\'🎉\u00a0');
    expect(htmlToText('line<br>two<br/>three')).toBe('line\ntwo\nthree');
  });
  it('leaves malformed or dangerous entities literal instead of inventing characters', () => {
    expect(htmlToText('&#0;&#xD800;&#x110000;&bogus;')).toBe('&#0;&#xD800;&#x110000;&bogus;');
  });
  it('returns null for non-strings and oversized input, never throws', () => {
    expect(htmlToText(42)).toBeNull();
    expect(htmlToText('x'.repeat(20_000))).toBeNull();
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const t = htmlToText(s);
        expect(typeof t).toBe('string');
      }),
      { numRuns: 300 },
    );
  });
  it('text without markup is unchanged (base64url survives)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_ -]{0,200}$/), (s) => {
        expect(htmlToText(s)).toBe(s);
      }),
      { numRuns: 200 },
    );
  });
});
