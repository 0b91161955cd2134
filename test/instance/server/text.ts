// Text processing after Mastodon's TextFormatter / StatusLengthValidator (own implementation):
// entity extraction (URLs, @mentions, #hashtags), HTML rendering of local posts, and the server's
// character count (URLs count 23, @user@domain counts as @user, extended grapheme clusters).

export interface Entity {
  kind: 'url' | 'mention' | 'hashtag';
  start: number;
  end: number;
  /** url: the URL; mention: "user" or "user@domain"; hashtag: the tag without '#'. */
  value: string;
  username?: string;
  domain?: string | null;
}

// Schemes StatusLengthValidator treats as URLs (twitter-text regex extended by Mastodon).
const URL_RE = /(?<![\p{L}\p{N}_/])(?:(?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini):\/\/|xmpp:)[^\s<>"]+/giu;
const MENTION_RE =
  /(?<![=/\p{L}\p{N}_])@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@([\p{L}\p{N}_]+(?:[.-]+[\p{L}\p{N}_]+)*))?/giu;
const HASHTAG_RE = /(?<![=/)\p{L}\p{N}_])[#＃]([\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*)/gu;
function count(s: string, c: string): number {
  return s.split(c).length - 1;
}

function trimUrl(url: string): string {
  let out = url;
  while (out.length > 0) {
    const last = out.charAt(out.length - 1);
    // Keep a closing paren the URL itself opened (e.g. Wikipedia links); drop trailing punctuation.
    if (last === ')') {
      if (count(out, '(') >= count(out, ')')) break;
    } else if (!'.,;:!?\'"]'.includes(last)) break;
    out = out.slice(0, -1);
  }
  return out;
}

export function extractEntities(text: string, opts: { httpOnly?: boolean } = {}): Entity[] {
  const urls: Entity[] = [];
  for (const m of text.matchAll(URL_RE)) {
    const value = trimUrl(m[0]);
    if (opts.httpOnly && !/^https?:\/\//i.test(value)) continue;
    if (/^[a-z]+:\/\/$/i.test(value) || value.length < 4) continue;
    urls.push({ kind: 'url', start: m.index, end: m.index + value.length, value });
  }
  const overlaps = (s: number, e: number): boolean => urls.some((u) => s < u.end && e > u.start);
  const out: Entity[] = [...urls];
  for (const m of text.matchAll(MENTION_RE)) {
    const end = m.index + m[0].length;
    if (overlaps(m.index, end)) continue;
    const username = m[1] ?? '';
    const domain = m[2] ?? null;
    out.push({
      kind: 'mention',
      start: m.index,
      end,
      value: domain ? `${username}@${domain}` : username,
      username,
      domain,
    });
  }
  for (const m of text.matchAll(HASHTAG_RE)) {
    const end = m.index + m[0].length;
    if (overlaps(m.index, end)) continue;
    out.push({ kind: 'hashtag', start: m.index, end, value: m[1] ?? '' });
  }
  return out.sort((a, b) => a.start - b.start);
}

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

export function graphemeLength(s: string): number {
  return Array.from(segmenter.segment(s)).length;
}

/** The length StatusLengthValidator compares with max_characters (spoiler text counts too). */
export function countableLength(text: string, spoilerText = ''): number {
  let countable = '';
  let pos = 0;
  for (const e of extractEntities(text)) {
    countable += text.slice(pos, e.start);
    if (e.kind === 'url') countable += 'x'.repeat(23);
    else if (e.kind === 'mention') countable += `@${e.username ?? ''}`;
    else countable += text.slice(e.start, e.end);
    pos = e.end;
  }
  countable += text.slice(pos);
  return graphemeLength(spoilerText) + graphemeLength(countable);
}

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

function linkHtml(url: string): string {
  const prefix = /^(?:[a-z]+:\/\/(?:www\.)?|xmpp:)/i.exec(url)?.[0] ?? '';
  const rest = url.slice(prefix.length);
  const shown = Array.from(rest).slice(0, 30).join('');
  const hidden = Array.from(rest).slice(30).join('');
  const cut = hidden.length > 0 ? 'ellipsis' : '';
  return (
    `<a href="${escapeHtml(url)}" target="_blank" rel="nofollow noopener" translate="no">` +
    `<span class="invisible">${escapeHtml(prefix)}</span><span class="${cut}">${escapeHtml(shown)}</span>` +
    `<span class="invisible">${escapeHtml(hidden)}</span></a>`
  );
}

export interface MentionTarget {
  url: string;
  username: string;
  acct: string;
}

export interface FormatOptions {
  /** Resolved mentions by lowercased "user" or "user@domain" as written; unresolved stay text. */
  mention: (value: string) => MentionTarget | undefined;
  tagUrl: (tag: string) => string;
  /** Profile field values: a single line, no <p> wrapping. */
  singleLine?: boolean;
}

function inlineHtml(text: string, opts: FormatOptions): string {
  let html = '';
  let pos = 0;
  for (const e of extractEntities(text, { httpOnly: true })) {
    html += escapeHtml(text.slice(pos, e.start));
    const raw = text.slice(e.start, e.end);
    if (e.kind === 'url') html += linkHtml(e.value);
    else if (e.kind === 'hashtag') {
      html += `<a href="${escapeHtml(opts.tagUrl(e.value))}" class="mention hashtag" rel="tag">#<span>${escapeHtml(e.value)}</span></a>`;
    } else {
      const target = opts.mention(e.value.toLowerCase());
      html += target
        ? `<span class="h-card" translate="no"><a href="${escapeHtml(target.url)}" class="u-url mention">@<span>${escapeHtml(target.username)}</span></a></span>`
        : escapeHtml(raw);
    }
    pos = e.end;
  }
  return html + escapeHtml(text.slice(pos));
}

/** Local post HTML: escaped text, paragraphs in <p>, single newlines as <br />. */
export function formatText(text: string, opts: FormatOptions): string {
  const normalized = text.replace(/\r\n?/g, '\n');
  if (opts.singleLine) return inlineHtml(normalized.replace(/\n/g, ' '), opts);
  const paragraphs = normalized.split(/\n\s*\n/).filter((p) => p.length > 0);
  return paragraphs.map((p) => `<p>${inlineHtml(p, opts).replace(/\n/g, '<br />')}</p>`).join('');
}

/** Strips tags for a plain-text view of remote HTML (used only for search and admin helpers). */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p>/gi, '\n\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
