// Mastodon's character counting (docs/mastodon-ui.md §2.3 and §5.1), written from the documented rules:
// URLs count 23, "@user@domain" counts as "@user"; the server counts extended grapheme clusters, the
// web UI (stringz) counts code points. A status must pass both.

export const URL_PLACEHOLDER_LENGTH = 23;
export const DEFAULT_MAX_CHARS = 500;

// Approximations of twitter-text's URL extraction: enough for anything Hush itself writes (mentions,
// ASCII prefix, ideographs), conservative (over-counts) for arbitrary text.
const SERVER_URL = /(?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini):\/\/[^\s<>"]+|xmpp:[^\s<>"]+/giu;
// Web UI regexes use /gi WITHOUT the u flag, as Mastodon's counter.js does: with /iu, [a-z] and \w would also
// match U+017F (long s) and U+212A (Kelvin sign) by Unicode case folding, and the count would differ from the client's.
// For the server count, matching fewer mentions only over-counts (conservative).
const CLIENT_URL = /https?:\/\/[^\s<>"]+/gi;
const MENTION = /(^|[^/\w])@([a-z0-9_]+)@[a-z0-9.-]+[a-z0-9]+/gi;

function countable(text: string, url: RegExp): string {
  return text.replace(url, 'x'.repeat(URL_PLACEHOLDER_LENGTH)).replace(MENTION, '$1@$2');
}

let segmenter: Intl.Segmenter | null | undefined;

/**
 * Server-side count (StatusLengthValidator): grapheme clusters after URL and mention replacement.
 * Without Intl.Segmenter (older engines) it falls back to code points, an upper bound on graphemes,
 * so a text accepted here is still accepted by the server.
 */
export function serverCount(text: string): number {
  if (segmenter === undefined)
    segmenter = typeof Intl.Segmenter === 'function' ? new Intl.Segmenter('en', { granularity: 'grapheme' }) : null;
  const countableText = countable(text, SERVER_URL);
  return segmenter === null ? Array.from(countableText).length : Array.from(segmenter.segment(countableText)).length;
}

/** Web UI counter (stringz length): code points after URL and mention replacement. */
export function webUiCount(text: string): number {
  return Array.from(countable(text, CLIENT_URL)).length;
}

/** The count that matters: a status is accepted and submittable only if both are within the limit. */
export function mastodonCount(text: string): number {
  return Math.max(serverCount(text), webUiCount(text));
}

export function fitsInStatus(text: string, maxChars: number = DEFAULT_MAX_CHARS): boolean {
  return mastodonCount(text) <= maxChars;
}
