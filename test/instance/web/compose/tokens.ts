// Autosuggest token detection (autosuggest_textarea.jsx textAtCursorMatchesToken).

/** textAtCursorMatchesToken: the word around the caret, if it is a >= 3 char @/#/: token. */
export function tokenAtCaret(text: string, caret: number): { start: number; token: string } | null {
  const before = text.slice(0, caret);
  const start = Math.max(before.lastIndexOf(' '), before.lastIndexOf('\n')) + 1;
  const afterWs = text.slice(caret).search(/\s/);
  const word = text.slice(start, afterWs === -1 ? text.length : caret + afterWs);
  if (word.trim().length < 3 || !['@', '＠', ':', '#', '＃'].includes(word[0] ?? '')) return null;
  return { start, token: word.trim() };
}
