/**
 * Mastodon shows the text of the status being answered (or edited) above the compose box, in
 * `.reply-indicator__content` (`.edit-indicator__content`): for a Hush status that is a screen of
 * ciphertext ("@bob [Hush encrypted message] 㔀…", issue #16 item 5). The text is hidden (a class,
 * React's nodes stay) and a short placeholder shown after it. Only the page's own ciphertext is
 * involved: the placeholder says what it is, never what it says (no plaintext reaches the page).
 */
import { t } from '../../messaging/i18n';
import { selectors } from '../mastodon/selectors';
import { hushClass } from '../hush-nodes';

const HIDDEN_CLASS = hushClass.ciphertext;
const PLACEHOLDER_CLASS = hushClass.quotedPlaceholder;

/** Covers quoted ciphertext above compose boxes; `dispose` gives the page back what it covered. */
export class QuotedCover {
  /** The placeholders this instance added, with the content each covers (pruned as they leave). */
  private readonly added = new Map<HTMLElement, HTMLElement>();

  constructor(private readonly marker: string) {}

  scan(root: ParentNode): void {
    for (const [p, content] of this.added)
      if (!p.isConnected || p.previousElementSibling !== content) this.added.delete(p);
    for (const content of root.querySelectorAll<HTMLElement>(selectors.composeQuotedContent)) {
      const next = content.nextElementSibling;
      const placeholder = next instanceof HTMLElement && next.classList.contains(PLACEHOLDER_CLASS) ? next : null;
      if (!(content.textContent ?? '').includes(this.marker)) {
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
        this.added.set(p, content);
      }
    }
  }

  dispose(): void {
    for (const [p, content] of this.added) {
      p.remove();
      content.classList.remove(HIDDEN_CLASS);
    }
    this.added.clear();
  }
}
