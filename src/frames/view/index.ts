/**
 * Secure message view: shows one message inside an extension-origin frame (as text, never HTML):
 * the authenticated sender with the trust the user's contacts give it NOW, the signed creation
 * time, what is wrong around it (replayed, replaced, a date far from the signed one, a server
 * reply link that does not match the signed one, unsigned extras), the signed reply context, and
 * the text, all under the user's phrase watermark. The frame never reports its size: its height
 * is fixed by the content script from public facts; long text scrolls here.
 */
import { t } from '../../messaging/i18n';
import browser from 'webextension-polyfill';
import { send } from '../../messaging/client';
import type { FrameStyle, ViewContent } from '../../messaging/overlay-messages';
import { frameRoot, joinSession } from '../common';
import { drawCue, phraseChip, watchVisibility, type Phrase } from '../cue';
import { formatTime } from '../format';
import { guarded, watchPointer } from '../input-guard';
import { flagText, stateText, textHidden, TRUST_KEYS, WARN_TRUST } from '../view-text';
import { applyStyle } from '../style';

const STALE_KEY = 'hush:stale';
const CONTACTS_KEY = 'hush:contacts';

const URL_RE = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;

/** Text with its http(s) links as links that open like Mastodon's (new tab, no opener). */
function linkified(text: string): Node[] {
  const out: Node[] = [];
  let at = 0;
  for (const m of text.matchAll(URL_RE)) {
    const i = m.index ?? 0;
    if (i > at) out.push(document.createTextNode(text.slice(at, i)));
    const a = document.createElement('a');
    a.href = m[0];
    a.textContent = m[0];
    a.target = '_blank';
    a.rel = 'noopener noreferrer nofollow';
    out.push(a);
    at = i + m[0].length;
  }
  if (at < text.length) out.push(document.createTextNode(text.slice(at)));
  return out;
}

function render(root: HTMLElement, session: string, v: ViewContent, phrase: Phrase | null): void {
  drawCue(root, phrase);
  const head = document.createElement('div');
  head.className = 'hush-badge';
  head.dataset.kind = v.state === 'message' ? (v.sender?.trust ?? 'unknown') : v.state;
  const label = document.createElement('span');
  label.className = 'hush-badge__label';
  if (v.state === 'message' && v.sender !== null) {
    const who = v.sender.acct ?? t('senderUnknownHandle');
    label.textContent = `${t('viewFrom', who)} · ${t(TRUST_KEYS[v.sender.trust])}`;
    label.title = v.sender.fingerprint;
    head.classList.toggle('hush-badge--warn', WARN_TRUST.has(v.sender.trust));
  } else label.textContent = stateText(v);
  head.append(phraseChip(phrase), label);
  if (v.createdAt !== null) {
    const time = document.createElement('span');
    time.className = 'hush-signed-time';
    time.textContent = t('viewSignedAt', formatTime(v.createdAt));
    head.append(time);
  }
  const parts: HTMLElement[] = [head];
  if (v.flags.length > 0) {
    const list = document.createElement('ul');
    list.className = 'hush-flags';
    for (const f of v.flags) {
      const li = document.createElement('li');
      li.dataset.flag = f.kind;
      li.textContent = flagText(f);
      list.append(li);
    }
    parts.push(list);
  }
  if (v.replyTo !== null) {
    const ctx = document.createElement('div');
    ctx.className = 'hush-reply-context';
    // A known parent without a snippet was signed with a revoked key: its text is not quoted.
    ctx.textContent = !v.replyTo.known
      ? t('viewInReplyToUnknown')
      : v.replyTo.snippet === null
        ? t('viewInReplyToHidden', [v.replyTo.sender ?? '?'])
        : t('viewInReplyTo', [v.replyTo.sender ?? '?', v.replyTo.snippet]);
    parts.push(ctx);
  }
  if (v.state === 'message' && v.plaintext !== null) {
    const body = document.createElement('div');
    body.className = 'hush-plaintext';
    body.dataset.testid = 'plaintext';
    if (textHidden(v.sender)) {
      // Not authentic: the text stays behind an explicit, in-frame choice.
      const reveal = document.createElement('button');
      reveal.type = 'button';
      reveal.className = 'hush-reveal';
      reveal.textContent = t('viewRevealRevoked');
      // Only a click on a frame that stood still under the pointer (input-guard.ts), or the keyboard.
      guarded(reveal, () => body.replaceChildren(...linkified(v.plaintext ?? '')));
      body.replaceChildren(reveal);
    } else body.replaceChildren(...linkified(v.plaintext));
    parts.push(body);
  }
  const covered = document.createElement('div');
  covered.className = 'hush-covered-note';
  covered.textContent = t('viewCovered');
  parts.push(covered);
  root.replaceChildren(...parts);
  root.dataset.state = v.state === 'message' ? (v.sender?.trust ?? 'unknown') : v.state;
}

/**
 * Text beyond the view's room (its height is set from public facts only) scrolls; a fade at the
 * bottom says there is more until the end is reached. Inside the frame: the page sees nothing.
 */
function watchOverflow(): () => void {
  const html = document.documentElement;
  const check = (): void => {
    html.classList.toggle('hush-more', html.scrollHeight - html.scrollTop - window.innerHeight > 2);
  };
  window.addEventListener('scroll', check, { passive: true });
  window.addEventListener('resize', check);
  void document.fonts.ready.then(check);
  return check;
}

function start(root: HTMLElement, session: string, first: ViewContent, style: FrameStyle, phrase: Phrase | null): void {
  applyStyle(style);
  const checkOverflow = watchOverflow();
  let current = first;
  render(root, session, current, phrase);
  checkOverflow();
  // A click anywhere on the view does what a click on the status does in Mastodon (links and
  // buttons act themselves), in every state alike: the page learns nothing from which clicks open.
  document.addEventListener('click', (e) => {
    if (e.target instanceof Element && e.target.closest('a, button') !== null) return;
    if (window.getSelection()?.toString() !== '') return;
    void send('overlay/view-activate', { session });
  });
  let asking = false;
  /** A change came while a request was out: its answer may predate the change, so ask once more. */
  let again = false;
  let last = Date.now();
  const refresh = async (): Promise<void> => {
    if (asking) {
      again = true;
      return;
    }
    asking = true;
    last = Date.now();
    const r = await send('overlay/view-get', { session });
    asking = false;
    if (r.ok && JSON.stringify(r.value.view) !== JSON.stringify(current)) {
      current = r.value.view;
      render(root, session, current, phrase);
      checkOverflow();
    }
    if (again) {
      again = false;
      void refresh();
    }
  };
  // Trust is the contacts' state NOW: a verification, key change or revocation shows at once.
  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && CONTACTS_KEY in changes) void refresh();
    if (area === 'session' && STALE_KEY in changes) {
      const stale = (changes[STALE_KEY]?.newValue as { sessions?: unknown } | undefined)?.sessions;
      if (Array.isArray(stale) && stale.includes(session)) void refresh();
    }
  });
  // A change while the frame was joining: the first view may predate it.
  if (changedWhileJoining) void refresh();
  // States that heal by themselves (unlock, network back) are asked again now and then.
  setInterval(() => {
    const wait =
      current.state === 'locked'
        ? 5_000
        : current.state === 'unreachable'
          ? 30_000
          : current.state === 'incomplete'
            ? 15_000
            : 0;
    if (wait > 0 && Date.now() - last >= wait) void refresh();
  }, 2_500);
  watchVisibility(document.documentElement, (visible) => {
    document.documentElement.classList.toggle('hush-covered', !visible);
  });
}

/**
 * Set when the contacts change before start() listens (the join's answer was computed before the
 * change, say): CI saw one of three views of a message keep "verified" after a key change.
 */
let changedWhileJoining = false;
browser.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && CONTACTS_KEY in changes) changedWhileJoining = true;
});

document.addEventListener('DOMContentLoaded', () => {
  watchPointer();
  const root = frameRoot();
  void joinSession(root, 'frameConnected', (offer) => send('overlay/view-join', { offer })).then((joined) => {
    start(root, joined.session, joined.view, joined.style, joined.phrase);
  });
});
