/**
 * Text content of a Mastodon profile field value, which the REST API returns as HTML. A service
 * worker has no DOMParser, so this strips tags and decodes entities itself. It only has to recover
 * text well enough to parse a key bundle (base64url + fixed prefix): everything it returns is then
 * parsed and signature-checked, so a trick that survives here fails there.
 */
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', '#39': "'" };
const MAX_INPUT = 16_384;

function decodeEntity(entity: string): string {
  const named = NAMED[entity.toLowerCase()];
  if (named !== undefined) return named;
  const m = /^#(x[0-9a-f]{1,6}|[0-9]{1,7})$/i.exec(entity);
  if (m?.[1] === undefined) return `&${entity};`;
  const code = m[1][0] === 'x' || m[1][0] === 'X' ? Number.parseInt(m[1].slice(1), 16) : Number.parseInt(m[1], 10);
  // Surrogates, NUL and out-of-range code points are not text: keep the entity literally.
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return `&${entity};`;
  return String.fromCodePoint(code);
}

/** Returns null when the input is not a string or unreasonably long (never throws). */
export function htmlToText(html: unknown): string | null {
  if (typeof html !== 'string' || html.length > MAX_INPUT) return null;
  const withBreaks = html.replace(/<br\s*\/?>/gi, '\n').replace(/<\/p\s*>\s*<p[^>]*>/gi, '\n\n');
  // Invisible spans Mastodon adds to shorten links still carry text; dropping only the tags keeps it.
  const noTags = withBreaks.replace(/<!--[\s\S]*?-->/g, '').replace(/<[^>]*>/g, '');
  return noTags.replace(/&([a-zA-Z]{2,8}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});/g, (_m, e: string) => decodeEntity(e));
}
