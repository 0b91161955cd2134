/**
 * Secure editor: where the user types plaintext, out of the page's reach. The draft goes to the
 * background only (never to the content script); Ctrl/Cmd+Enter asks the background to have the
 * content script publish. Mentions get completions from Hush, not from the instance's page.
 */
import browser from 'webextension-polyfill';
import { send } from '../../messaging/client';
import type { ComposeStatus } from '../../messaging/overlay-messages';
import { frameRoot, joinSession } from '../common';
import { applyStyle } from '../style';

const t = (key: string, subs?: string | string[]): string => browser.i18n.getMessage(key, subs) || key;

function statusLine(el: HTMLElement, s: ComposeStatus): void {
  const blocked = s.recipients.filter((r) => r.state !== 'ready');
  el.dataset.ready = String(s.account === 'ready' && blocked.length === 0 && s.recipients.length > 0);
  el.textContent = s.recipients.length === 0 ? t('editorNoRecipients') : blocked.length > 0 ? t('editorBlocked', blocked.map((r) => `@${r.acct}`).join(', ')) : t('editorReady', s.recipients.map((r) => `@${r.acct}`).join(', '));
}

async function start(root: HTMLElement, session: string): Promise<void> {
  const got = await send('overlay/editor-get', { session });
  if (!got.ok) {
    root.textContent = t('frameNoSession');
    return;
  }
  applyStyle(got.value.style);
  const area = document.createElement('textarea');
  area.className = 'hush-editor';
  area.value = got.value.text;
  area.placeholder = got.value.placeholder;
  area.setAttribute('aria-label', t('editorLabel'));
  area.spellcheck = true;
  const line = document.createElement('div');
  line.className = 'hush-editor-status';
  line.setAttribute('aria-live', 'polite');
  const list = document.createElement('ul');
  list.className = 'hush-completions';
  list.hidden = true;
  statusLine(line, got.value.status);
  root.replaceChildren(area, list, line);
  root.dataset.state = 'editing';
  area.focus();

  let timer: ReturnType<typeof setTimeout> | undefined;
  const sync = async (): Promise<void> => {
    const r = await send('overlay/editor-draft', { session, text: area.value });
    if (r.ok) statusLine(line, r.value);
  };
  let completeTimer: ReturnType<typeof setTimeout> | undefined;
  area.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void sync(), 120);
    // Completion asks the user's instance: at most one search per pause in typing.
    clearTimeout(completeTimer);
    completeTimer = setTimeout(() => void complete(session, area, list), 150);
  });
  area.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      clearTimeout(timer);
      void sync().then(() => send('overlay/editor-submit', { session }));
    }
  });
  void sync();
}

/** Completions for the @token before the caret, from Hush's contacts (through the background). */
async function complete(session: string, area: HTMLTextAreaElement, list: HTMLUListElement): Promise<void> {
  const before = area.value.slice(0, area.selectionStart);
  const m = /(?:^|\s)@([\w.-]+(?:@[\w.-]*)?)$/.exec(before);
  if (!m?.[1]) {
    list.hidden = true;
    return;
  }
  const token = m[1];
  const r = await send('overlay/mention-search', { session, query: token });
  if (!r.ok || r.value.accounts.length === 0) {
    list.hidden = true;
    return;
  }
  list.replaceChildren(...r.value.accounts.map((a) => {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = `@${a.acct}${a.hasKey ? ' 🔒' : ''}`;
    b.addEventListener('click', () => {
      const start = before.length - token.length;
      area.setRangeText(`${a.acct} `, start, area.selectionStart, 'end');
      list.hidden = true;
      area.focus();
      area.dispatchEvent(new Event('input'));
    });
    li.append(b);
    return li;
  }));
  list.hidden = false;
}

document.addEventListener('DOMContentLoaded', () => {
  const root = frameRoot();
  void joinSession(root, 'frameConnected').then((joined) => (joined === null ? undefined : start(root, joined.session)));
});
