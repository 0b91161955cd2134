import browser from 'webextension-polyfill';
import { send } from '../messaging/client';

/**
 * Shared start of every secure frame: the frame shows nothing until the background confirms
 * that its session id was issued to a content script of this very tab. A page that frames
 * our web-accessible pages itself gets a refusal and no content.
 */
export async function joinSession(root: HTMLElement, titleKey: string): Promise<string | null> {
  const session = new URLSearchParams(location.search).get('s') ?? '';
  const reply = /^[A-Za-z0-9_-]{16,64}$/.test(session) ? await send('frame/hello', { session }) : null;
  if (!reply?.ok) {
    root.className = 'hush-refused';
    root.textContent = browser.i18n.getMessage('frameNoSession');
    root.dataset.state = 'refused';
    return null;
  }
  root.textContent = browser.i18n.getMessage(titleKey);
  root.dataset.state = 'joined';
  return session;
}

export function frameRoot(): HTMLElement {
  const root = document.getElementById('hush-frame');
  if (!root) throw new Error('frame page is missing #hush-frame');
  return root;
}
