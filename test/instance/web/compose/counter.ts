// Character counting as features/compose/util/counter.js + stringz.length (code points).
const URL_RE = /(^|[^/\w])(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'])/gi;
const MENTION_RE = /(^|[^/\w])@(([a-z0-9_]+)@[a-z0-9.-]+[a-z0-9]+)/gi;
const URL_PLACEHOLDER = 'x'.repeat(23);

export function countableText(text: string): string {
  return text.replace(URL_RE, (_m, pre: string) => `${pre}${URL_PLACEHOLDER}`).replace(MENTION_RE, '$1@$3');
}

export function codePointLength(s: string): number {
  return Array.from(s).length;
}

/** spoiler (when on) + countable text. */
export function countedLength(text: string, spoilerText: string, spoiler: boolean): number {
  return codePointLength((spoiler ? spoilerText : '') + countableText(text));
}
