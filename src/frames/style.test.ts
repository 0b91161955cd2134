import { describe, expect, it } from 'vitest';
import { fontFamily } from './style';

describe('fontFamily', () => {
  it("takes only text fonts from the page's list (no symbol font), always ending with a generic family", () => {
    expect(fontFamily('mastodon-font-sans-serif, sans-serif')).toBe('"mastodon-font-sans-serif", sans-serif');
    expect(fontFamily('system-ui, -apple-system, "Segoe UI", sans-serif')).toBe(
      'system-ui, -apple-system, "Segoe UI", sans-serif',
    );
    expect(fontFamily('Webdings, Wingdings')).toBe('sans-serif');
    expect(fontFamily('')).toBe('sans-serif');
  });
});
