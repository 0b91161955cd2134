// Allow-list sanitizer for HTML received from other instances, after the rules of Mastodon's
// Sanitize::Config::MASTODON_STRICT (own implementation): a few inline/block elements, microformat
// and mention classes, safe link protocols. Unknown tags are dropped but their text is kept;
// script/style-like elements are dropped with their content. Never throws.
const ELEMENTS = new Set([
  'p',
  'br',
  'span',
  'a',
  'del',
  'pre',
  'blockquote',
  'code',
  'b',
  'strong',
  'u',
  'i',
  'em',
  'ul',
  'ol',
  'li',
]);
const DROP_CONTENT = new Set([
  'script',
  'style',
  'iframe',
  'object',
  'embed',
  'template',
  'noscript',
  'textarea',
  'title',
  'svg',
  'math',
]);
const VOID = new Set(['br']);
const PROTOCOLS = /^(?:https?|dat|dweb|ipfs|ipns|ssb|gopher|xmpp|magnet|gemini):/i;
const CLASS_OK = /^(?:(?:h|p|u|dt|e)-[a-z0-9-]+|mention|hashtag|ellipsis|invisible|quote-inline)$/;

function escapeAttr(v: string): string {
  return v
    .replace(/&(?![a-z]+;|#\d+;|#x[0-9a-f]+;)/gi, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

function escapeText(v: string): string {
  return v
    .replace(/&(?![a-z]+;|#\d+;|#x[0-9a-f]+;)/gi, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

function attributes(src: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of src.matchAll(/([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    const name = (m[1] ?? '').toLowerCase();
    if (!out.has(name)) out.set(name, m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

function openTag(name: string, attrs: Map<string, string>): string {
  const kept: string[] = [];
  if (name === 'a') {
    const href = (attrs.get('href') ?? '').trim();
    if (PROTOCOLS.test(href)) kept.push(`href="${escapeAttr(href)}"`);
    kept.push('rel="nofollow noopener"', 'target="_blank"');
  }
  if (name === 'a' || name === 'span') {
    const classes = (attrs.get('class') ?? '').split(/\s+/).filter((c) => CLASS_OK.test(c));
    if (classes.length > 0) kept.push(`class="${classes.join(' ')}"`);
    if (attrs.get('translate') === 'no') kept.push('translate="no"');
  }
  if (name === 'ol' && /^\d{1,6}$/.test(attrs.get('start') ?? '')) kept.push(`start="${attrs.get('start') ?? ''}"`);
  return `<${name}${kept.length > 0 ? ' ' + kept.join(' ') : ''}>`;
}

export function sanitizeHtml(html: string): string {
  let out = '';
  let dropDepth = 0;
  const open: string[] = [];
  for (const m of html.matchAll(/<!--[\s\S]*?(?:-->|$)|<\/?([a-zA-Z][a-zA-Z0-9]*)([^>]*)>|[^<]+|</g)) {
    const token = m[0];
    const name = m[1]?.toLowerCase();
    if (name === undefined) {
      if (token.startsWith('<!--')) continue;
      if (dropDepth === 0) out += escapeText(token);
      continue;
    }
    const closing = token.startsWith('</');
    if (DROP_CONTENT.has(name)) {
      dropDepth = Math.max(0, dropDepth + (closing ? -1 : token.endsWith('/>') ? 0 : 1));
      continue;
    }
    if (dropDepth > 0 || !ELEMENTS.has(name)) continue;
    if (closing) {
      const i = open.lastIndexOf(name);
      if (i < 0) continue;
      for (const n of open.splice(i).reverse()) out += `</${n}>`;
    } else {
      out += openTag(name, attributes(m[2] ?? ''));
      if (!VOID.has(name)) open.push(name);
    }
  }
  for (const n of open.reverse()) out += `</${n}>`;
  return out;
}
