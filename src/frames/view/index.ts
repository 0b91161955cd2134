/**
 * Secure message view: renders decrypted text (as text, never HTML) inside an extension-origin
 * frame, with the badge and the user's security phrase, then reports its height so the content
 * script can size the frame (the background rounds it to coarse steps).
 */
import browser from 'webextension-polyfill';
import { send } from '../../messaging/client';
import type { Badge, OverlayResponses } from '../../messaging/overlay-messages';
import { frameRoot, joinSession } from '../common';
import { applyStyle } from '../style';

const t = (key: string, subs?: string | string[]): string => browser.i18n.getMessage(key, subs) || key;

function badgeText(b: Badge): string {
  switch (b.kind) {
    case 'verified': return t('badgeVerified', b.sender ?? '?');
    case 'unverified': return t('badgeUnverified', b.sender ?? '?');
    case 'key_changed': return t('badgeKeyChanged', b.sender ?? '?');
    case 'replayed': return t('badgeReplayed');
    case 'incomplete': return t('badgeIncomplete', [String(b.parts?.have ?? 0), String(b.parts?.total ?? 0)]);
    case 'sender_mismatch': return t('badgeSenderMismatch');
    case 'locked': return t('badgeLocked');
    case 'cannot_decrypt': return t('badgeCannotDecrypt', b.reason ?? '?');
  }
}

function render(root: HTMLElement, session: string, view: OverlayResponses['overlay/view-join']): void {
  const { plaintext, badge, style, phrase } = view;
  applyStyle(style);
  const head = document.createElement('div');
  head.className = 'hush-badge';
  head.dataset.kind = badge.kind;
  const mark = document.createElement('span');
  mark.className = 'hush-phrase';
  // The phrase proves this box is Hush's (a page cannot read it); a placeholder until one is set.
  mark.textContent = phrase?.text ?? '🔑';
  mark.dataset.pattern = phrase?.pattern ?? 'none';
  mark.title = phrase === null ? t('viewPhrasePlaceholder') : t('viewPhraseHint');
  const label = document.createElement('span');
  label.className = 'hush-badge__label';
  label.textContent = badgeText(badge);
  if (badge.fingerprint !== null) label.title = badge.fingerprint;
  head.append(mark, label);
  const body = document.createElement('div');
  body.className = 'hush-plaintext';
  body.dataset.testid = 'plaintext';
  body.textContent = plaintext ?? '';
  root.replaceChildren(head, ...(plaintext === null ? [] : [body]));
  root.dataset.state = badge.kind;
  let last = -1;
  const report = (): void => {
    const h = Math.ceil(document.documentElement.scrollHeight);
    if (h !== last) {
      last = h;
      void send('overlay/view-size', { session, height: h });
    }
  };
  new ResizeObserver(report).observe(root);
  report();
}

document.addEventListener('DOMContentLoaded', () => {
  const root = frameRoot();
  void joinSession(root, 'frameConnected', (session) => send('overlay/view-join', { session })).then((joined) => {
    if (joined !== null) render(root, joined.session, joined.value);
  });
});
