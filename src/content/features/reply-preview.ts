/**
 * Mastodon shows the text of the status being answered (or edited) above the compose box, in
 * `.reply-indicator__content` (`.edit-indicator__content`): for a Hush status that is a screen of
 * ciphertext ("@bob [Hush encrypted message] 㔀…", issue #16 item 5). The text is hidden (a class,
 * React's nodes stay) and a short placeholder shown after it. Only the page's own ciphertext is
 * involved: the placeholder says what it is, never what it says (no plaintext reaches the page).
 */
import {} from '../dom';
import { t } from '../../messaging/i18n';
import { selectors } from '../mastodon/selectors';
import { hushClass } from '../hush-nodes';

const HIDDEN_CLASS = hushClass.ciphertext;
const PLACEHOLDER_CLASS = hushClass.quotedPlaceholder;

export function coverQuotedCiphertext(root: ParentNode, marker: string): void {
  for (const content of root.querySelectorAll<HTMLElement>(selectors.composeQuotedContent)) {
    const next = content.nextElementSibling;
    const placeholder = next instanceof HTMLElement && next.classList.contains(PLACEHOLDER_CLASS) ? next : null;
    if (!(content.textContent ?? '').includes(marker)) {
      // Another status now (React reuses the node): its own text comes back.
      if (placeholder !== null) {
        placeholder.remove();
        content.classList.remove(HIDDEN_CLASS);
      }
      continue;
    }
    content.classList.add(HIDDEN_CLASS); // again: React may have rewritten the class list
    if (placeholder === null) {
      const p = document.createElement('p');
      p.className = PLACEHOLDER_CLASS;
      p.textContent = `🔒 ${t('viewFrameTitle')}`;
      content.after(p);
    }
  }
}
