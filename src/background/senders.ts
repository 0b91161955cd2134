import type { SenderKind } from '../messaging/messages';

/** The fields of runtime.MessageSender that the browser stamps; a page cannot forge them. */
export interface SenderFields {
  readonly id?: string | undefined;
  readonly url?: string | undefined;
  readonly frameId?: number | undefined;
  readonly tab?: { readonly id?: number | undefined } | undefined;
}

export interface SenderContext {
  readonly kind: SenderKind;
  /** Tab the message came from (content scripts and frames), if any. */
  readonly tabId: number | null;
  /** Origin of the page (content) or the extension (frames, popup). */
  readonly origin: string;
  /** URL path of the sender (e.g. /frames/view.html): tells frame kinds apart. */
  readonly path: string;
  /** The browser's id of the sending frame within its tab (0: top frame); binds a secure frame to its session. */
  readonly frameId?: number | null;
}

/**
 * Decides who sent a message from browser-stamped fields only. Anything we cannot place
 * (another extension, a web page via externally_connectable, a sub-frame content script)
 * is refused: null.
 */
export function classifySender(
  sender: SenderFields,
  extensionId: string,
  extensionOrigin: string,
): SenderContext | null {
  if (sender.id !== extensionId || typeof sender.url !== 'string') return null;
  let url: URL;
  try {
    url = new URL(sender.url);
  } catch {
    return null;
  }
  const tabId = typeof sender.tab?.id === 'number' && sender.tab.id >= 0 ? sender.tab.id : null;
  if (url.origin === extensionOrigin || sender.url.startsWith(`${extensionOrigin}/`)) {
    if (url.pathname.startsWith('/frames/')) {
      const frameId = typeof sender.frameId === 'number' && sender.frameId > 0 ? sender.frameId : null;
      return tabId === null || frameId === null
        ? null
        : { kind: 'frame', tabId, origin: extensionOrigin, path: url.pathname, frameId };
    }
    return { kind: 'extension-page', tabId, origin: extensionOrigin, path: url.pathname };
  }
  // Content scripts run in the top frame only; a message from a sub-frame is not ours to trust.
  if ((url.protocol === 'https:' || url.protocol === 'http:') && tabId !== null && sender.frameId === 0) {
    return { kind: 'content', tabId, origin: url.origin, path: url.pathname, frameId: 0 };
  }
  return null;
}
