import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sanitizeHtml } from './sanitize.ts';

describe('sanitizeHtml (received HTML)', () => {
  it('keeps Mastodon post markup as rendered by the sender', () => {
    const html =
      '<p><span class="h-card" translate="no"><a href="http://127.0.0.1:1/@bob" class="u-url mention">@<span>bob</span></a></span> hi &lt;3<br>x</p>';
    expect(sanitizeHtml(html)).toBe(
      '<p><span class="h-card" translate="no"><a href="http://127.0.0.1:1/@bob" rel="nofollow noopener" target="_blank" class="u-url mention">@<span>bob</span></a></span> hi &lt;3<br>x</p>',
    );
  });
  it('drops scripts, handlers, javascript: links and unknown classes', () => {
    expect(
      sanitizeHtml(
        '<p onclick="x()">a<script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:alert(1)" class="evil mention">l</a></p>',
      ),
    ).toBe('<p>a<a rel="nofollow noopener" target="_blank" class="mention">l</a></p>');
  });
  it('balances tags and escapes stray brackets', () => {
    expect(sanitizeHtml('<p><b>x</p> 1 < 2 > 0')).toBe('<p><b>x</b></p> 1 &lt; 2 &gt; 0');
  });
  it('never emits a script, an event handler or a javascript: URL (property)', () => {
    const piece = fc.constantFrom(
      '<script>',
      '</script>',
      '<a href="javascript:x">',
      '<p onclick=x>',
      '<img src=x onerror=y>',
      '<svg onload=z>',
      '"',
      "'",
      '<',
      '>',
      'text',
      '<!--',
      '-->',
      '</p>',
      "<a href='https://ok'>",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), (parts) => {
        const out = sanitizeHtml(parts.join(''));
        return !/<script|<img|<svg|\son[a-z]+=|javascript:/i.test(out);
      }),
      { numRuns: 300 },
    );
  });
});
