/**
 * TEST BUILDS ONLY (installed under __HUSH_TEST_BUILD__): records every runtime message the
 * background receives and every reply it gives, and every message it sends to tabs with the
 * answer, as JSON text in `globalThis.__hushMessageLog`. The browser test reads it to assert that
 * no secret key byte ever crossed to a content script, frame or page.
 */
import browser, { type Runtime } from 'webextension-polyfill';

export interface RecordedMessage {
  readonly dir: 'in' | 'out';
  readonly from: string;
  readonly message: string;
  readonly reply: string;
}

const log: RecordedMessage[] = [];
const text = (x: unknown): string => {
  try {
    return JSON.stringify(x) ?? 'undefined';
  } catch {
    return String(x);
  }
};

type Listener = (message: unknown, sender: Runtime.MessageSender) => Promise<unknown> | undefined;

export function installMessageRecorder(): void {
  (globalThis as { __hushMessageLog?: RecordedMessage[] }).__hushMessageLog = log;
  const ev = browser.runtime.onMessage as unknown as { addListener: (l: Listener) => void };
  const add = ev.addListener.bind(ev);
  ev.addListener = (listener: Listener) => {
    add((message, sender) => {
      const r = listener(message, sender);
      const from = sender.tab === undefined ? String(sender.url) : `tab ${String(sender.tab.id)} frame ${String(sender.frameId)} ${String(sender.url)}`;
      if (r === undefined) {
        log.push({ dir: 'in', from, message: text(message), reply: 'undefined' });
        return r;
      }
      return r.then((reply) => {
        log.push({ dir: 'in', from, message: text(message), reply: text(reply) });
        return reply;
      });
    });
  };
  const tabs = browser.tabs as unknown as { sendMessage: (tabId: number, m: unknown, o?: unknown) => Promise<unknown> };
  const send = tabs.sendMessage.bind(tabs);
  tabs.sendMessage = async (tabId, m, o) => {
    const reply = await send(tabId, m, o);
    log.push({ dir: 'out', from: `to tab ${tabId}`, message: text(m), reply: text(reply) });
    return reply;
  };
}
