import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { countableLength, extractEntities, formatText, graphemeLength } from './text.ts';

const opts = {
  mention: (v: string) =>
    v === 'bob@b.test' || v === 'alice'
      ? { url: `http://x/@${v.split('@')[0] ?? ''}`, username: v.split('@')[0] ?? '', acct: v }
      : undefined,
  tagUrl: (t: string) => `http://x/tags/${t}`,
};

describe('countableLength (StatusLengthValidator)', () => {
  it('counts a URL as 23 characters whatever its length', () => {
    expect(countableLength('see https://example.com/' + 'a'.repeat(200))).toBe(4 + 23);
    expect(countableLength('gemini://x.org/abc')).toBe(23);
  });
  it('counts @user@domain as @user', () => {
    expect(countableLength('@bob@b.test hi')).toBe('@bob hi'.length);
  });
  it('counts extended grapheme clusters, not code units', () => {
    expect(countableLength('👩‍👩‍👧‍👦')).toBe(1);
    expect(countableLength('e\u0301')).toBe(1);
    expect(graphemeLength('🇩🇪🇫🇷')).toBe(2);
  });
  it('adds the spoiler text', () => {
    expect(countableLength('abc', 'cw')).toBe(5);
  });
  it('equals the string length for base64 ciphertext', () => {
    fc.assert(
      fc.property(fc.base64String({ maxLength: 600 }), (s) => countableLength(s) === s.length),
      { numRuns: 50 },
    );
  });
});

describe('formatText (TextFormatter)', () => {
  it('escapes, wraps paragraphs and turns single newlines into <br />', () => {
    expect(formatText('a <b> & "c"\nd\n\ne', opts)).toBe('<p>a &lt;b&gt; &amp; &quot;c&quot;<br />d</p><p>e</p>');
  });
  it('renders resolved mentions as span.h-card > a.u-url.mention and leaves unresolved ones as text', () => {
    expect(formatText('@bob@b.test and @nobody@x.test', opts)).toBe(
      '<p><span class="h-card" translate="no"><a href="http://x/@bob" class="u-url mention">@<span>bob</span></a></span> and @nobody@x.test</p>',
    );
  });
  it('renders hashtags and links with the invisible/ellipsis spans', () => {
    const html = formatText('#Hush https://example.com/0123456789012345678901234567890123', opts);
    expect(html).toContain('<a href="http://x/tags/Hush" class="mention hashtag" rel="tag">#<span>Hush</span></a>');
    expect(html).toContain(
      '<a href="https://example.com/0123456789012345678901234567890123" target="_blank" rel="nofollow noopener" translate="no"><span class="invisible">https://</span><span class="ellipsis">example.com/012345678901234567</span><span class="invisible">8901234567890123</span></a>',
    );
  });
  it('does not take a mention inside a URL, and trims trailing punctuation from URLs', () => {
    const e = extractEntities('look: https://h.test/@bob. ok');
    expect(e).toEqual([{ kind: 'url', start: 6, end: 25, value: 'https://h.test/@bob' }]);
  });
  it('never lets raw markup through (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => !/<(?!\/?(p|br|a|span)[\s>/])/.test(formatText(s, opts))),
      { numRuns: 200 },
    );
  });
});
