/**
 * Starts the overlay on a detected Mastodon page: one MutationObserver on #mastodon drives the
 * features (statuses are keyed by id, so virtualised lists that re-create nodes and SPA route
 * changes are just more mutations), plus the background's pushes (editor done, invitation, open a
 * status, stop). Everything it adds is registered with the caller's Teardown (content/root.ts).
 */
import * as v from 'valibot';
import browser, { type Runtime } from 'webextension-polyfill';
import type { PageInfo } from '../messaging/messages';
import { OVERLAY_PUSH, OverlayPushSchema } from '../messaging/overlay-messages';
import { STATUS_PREFIX } from '../protocol/text-encoding';
import { adapterFor } from './adapters/adapter';
import { selectors } from './mastodon/selectors';
import { ComposeController } from './features/compose-lock';
import { SecureViews } from './features/secure-view-host';
import { holdClosed, installSubmitGuard } from './features/submit-guard';
import { t } from '../messaging/i18n';
import { QuotedCover } from './features/reply-preview';
import type { Teardown } from './teardown';

/** The instance's max_characters: the counter shows it while the box is empty (mastodon-ui.md §2.3). */
function maxCharsOf(form: HTMLFormElement, textarea: HTMLTextAreaElement): number | null {
  if (textarea.value !== '') return null;
  const n = Number.parseInt(form.querySelector(selectors.composeCounter)?.textContent ?? '', 10);
  return Number.isInteger(n) && n >= 100 && n <= 100_000 ? n : null;
}

/**
 * `isOrphaned`: true once this script's extension context is gone (Chromium keeps an updated or
 * disabled extension's old content script running, without its runtime): it then stops itself.
 */
export function startOverlay(page: PageInfo, teardown: Teardown, isOrphaned: () => boolean): void {
  const root = document.querySelector(selectors.root);
  if (root === null) return;
  const adapter = adapterFor(page.generation, location.host);
  const views = new SecureViews({ adapter, marker: STATUS_PREFIX });
  const quoted = new QuotedCover(STATUS_PREFIX);
  const controllers = new Map<HTMLFormElement, ComposeController>();
  teardown.add(() => {
    views.dispose();
    quoted.dispose();
    for (const c of controllers.values()) c.dispose();
    controllers.clear();
  });
  let replyTarget: string | null = null;
  let maxChars = 500;
  // Read now: an orphaned script has no extension i18n left to ask.
  const orphanNotice = t('composeOrphaned');

  // The in-reply-to id lives only in Redux (§2.5): remember which status's Reply the USER clicked
  // (a click the page dispatched is not the user's choice).
  teardown.listen(
    document,
    'click',
    (e) => {
      if (e.isTrusted && e.target instanceof Element) replyTarget = adapter.replyTarget(e.target) ?? replyTarget;
    },
    true,
  );
  installSubmitGuard((form) => controllers.get(form), teardown);

  const scan = (): void => {
    if (isOrphaned()) {
      const writing = [...controllers].filter(([, c]) => c.locked).map(([form]) => form);
      teardown.run();
      holdClosed(writing, orphanNotice);
      return;
    }
    views.scan(root);
    quoted.scan(root);
    const seen = new Set<HTMLFormElement>();
    for (const parts of adapter.composeForms(root)) {
      seen.add(parts.form);
      maxChars = maxCharsOf(parts.form, parts.textarea) ?? maxChars;
      let c = controllers.get(parts.form);
      if (c === undefined) {
        c = new ComposeController(parts, { adapter, maxChars, replyTarget: () => replyTarget });
        controllers.set(parts.form, c);
      }
      c.update(parts);
    }
    for (const [form, c] of controllers)
      if (!seen.has(form) && !form.isConnected && !c.locked) controllers.delete(form);
  };

  let queued = false;
  const schedule = (): void => {
    if (queued) return;
    queued = true;
    teardown.timeout(() => {
      queued = false;
      scan();
    }, 30);
  };
  const observer = new MutationObserver(schedule);
  observer.observe(root, { childList: true, subtree: true, characterData: true });
  teardown.add(() => {
    observer.disconnect();
  });
  scan();

  teardown.onMessage((message: unknown, sender: Runtime.MessageSender) => {
    // Only the background (no tab) of this extension pushes to us.
    if (sender.id !== browser.runtime.id || sender.tab !== undefined) return undefined;
    if (typeof message !== 'object' || message === null || (message as { type?: unknown }).type !== OVERLAY_PUSH)
      return undefined;
    const parsed = v.safeParse(OverlayPushSchema, message);
    if (!parsed.success) return undefined;
    const m = parsed.output;
    if (m.kind === 'view-activate') views.activate(m.session);
    else if (m.kind !== 'content-stop') {
      const c = [...controllers.values()].find((x) => x.sessionId === m.session);
      if (m.kind === 'editor-done') c?.done(m.sent);
      else c?.invite(m.text);
    }
    return undefined;
  });
}
