/**
 * One interface over the Mastodon UI generations (4.3-4.4 and 4.5-4.8, docs/mastodon-ui.md
 * §2.2). Features talk only to this; selectors live in ../mastodon/selectors.ts. Everything
 * read from the page is public (handles, ids, ciphertext) and treated as untrusted shape.
 */
import { formatHandle, parseHandle } from '../../messaging/handle';
import type { UiGeneration } from '../../messaging/messages';
import { generations, selectors } from '../mastodon/selectors';

export interface ComposeParts {
  readonly form: HTMLFormElement;
  readonly textarea: HTMLTextAreaElement;
  /** The element the secure editor is laid over (the textarea's positioned wrapper). */
  readonly wrapper: HTMLElement;
  readonly submit: HTMLButtonElement | null;
  readonly replying: boolean;
  readonly editing: boolean;
}

/** Where a Hush status was found. `conversation`: a DM-column entry, which has no status id (§3.5). */
export type StatusContext = 'status' | 'detailed' | 'conversation';

export interface FoundStatus {
  /** Status id; for DM-column entries `c<conversation id>` (only the conversation is known). */
  readonly statusId: string;
  readonly context: StatusContext;
  /** The content element (.status__content__text), hidden while Hush shows its view. */
  readonly content: HTMLElement;
  /** The status container, for the reply button. */
  readonly container: HTMLElement;
  readonly authorAcct: string | null;
  readonly mentions: readonly string[];
  readonly text: string;
}

export interface MastodonAdapter {
  readonly generation: UiGeneration;
  composeForms(root: ParentNode): ComposeParts[];
  /** True when the form's visibility is "direct" (private mention). */
  isDirect(form: HTMLFormElement): boolean;
  /** The button that cancels the form's reply, while it is replying. */
  replyCancel(parts: ComposeParts): HTMLButtonElement | null;
  /** Where the lock bar goes: before this node, inside its parent. */
  lockBarAnchor(parts: ComposeParts): Element;
  /** Content elements whose text contains `marker`, with what we know of their status. */
  statuses(root: ParentNode, marker: string): FoundStatus[];
  /** The Reply button of a status container. */
  replyButton(container: Element): HTMLButtonElement | null;
  /** The status id a click on `target` (inside a status's action bar) refers to, if it is the Reply button. */
  replyTarget(target: Element): string | null;
}

/** "/@bob@b.test/123" or "https://b.test/@bob" -> "bob@b.test" / "bob" (relative: local or full acct). */
export function acctFromHref(href: string | null, pageHost: string): string | null {
  if (href === null) return null;
  let url: URL;
  try {
    url = new URL(href, `https://${pageHost}/`);
  } catch {
    return null;
  }
  const m = /^\/@([^/]+)(?:\/|$)/.exec(url.pathname);
  if (m?.[1] === undefined) return null;
  let written: string;
  try {
    written = decodeURIComponent(m[1]);
  } catch {
    return null;
  }
  const h = parseHandle(written, url.hostname);
  if (h === null) return null;
  // A link on the page's own host to a bare name is a local account: "bob" stays "bob" (the page's form).
  return !written.includes('@') && url.host === pageHost ? h.username : formatHandle(h);
}

/** "@bob@b.test" from a mention's title (set by the web UI, §3.3), else from its href. */
export function mentionAcct(a: Element, pageHost: string): string | null {
  const title = a.getAttribute('title');
  if (title?.startsWith('@') === true && parseHandle(title, 'home.invalid') !== null) return title.slice(1);
  return acctFromHref(a.getAttribute('href'), pageHost);
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The status id from a "/@acct/<id>" link. */
export function idFromStatusHref(href: string | null): string | null {
  if (href === null) return null;
  const m = /\/@[^/]+\/([A-Za-z0-9_-]{1,64})(?:[/?#]|$)/.exec(href);
  return m?.[1] ?? null;
}

/** Reads one content element's status; null when its container is not one we know. */
export function readStatus(content: HTMLElement, pageHost: string): FoundStatus | null {
  const mentions = [...content.querySelectorAll(selectors.mention)]
    .map((a) => mentionAcct(a, pageHost))
    .filter((a): a is string => a !== null);
  const text = content.textContent ?? '';
  const status = content.closest<HTMLElement>(selectors.status);
  if (status !== null) {
    const id = status.getAttribute('data-id') ?? '';
    // `c…` names DM-column entries only (a page labelling a status so would dodge replay checks).
    if (!ID.test(id) || id.startsWith('c')) return null;
    const author =
      status.querySelector(selectors.authorLink)?.getAttribute('href') ??
      status.querySelector(selectors.statusTimeLink)?.getAttribute('href') ??
      null;
    return {
      statusId: id,
      context: 'status',
      content,
      container: status,
      authorAcct: acctFromHref(author, pageHost),
      mentions,
      text,
    };
  }
  const detailed = content.closest<HTMLElement>(selectors.detailedStatus);
  if (detailed !== null) {
    const id = idFromStatusHref(detailed.querySelector(selectors.detailedDatetime)?.getAttribute('href') ?? null);
    const author = detailed.querySelector(selectors.authorLink)?.getAttribute('href') ?? null;
    if (id === null) return null;
    // The detailed view's action bar is a sibling of .detailed-status (§3.6).
    const container = detailed.parentElement ?? detailed;
    return {
      statusId: id,
      context: 'detailed',
      content,
      container,
      authorAcct: acctFromHref(author, pageHost),
      mentions,
      text,
    };
  }
  const conv = content.closest<HTMLElement>(selectors.conversation);
  const article = conv?.closest(selectors.listItem);
  const convId = article?.getAttribute('data-id') ?? '';
  if (conv == null || !ID.test(convId)) return null;
  // The DM column shows the last status but not its author; the names link lists participants.
  return {
    statusId: `c${convId}`.slice(0, 64),
    context: 'conversation',
    content,
    container: conv,
    authorAcct: null,
    mentions,
    text,
  };
}

/**
 * The one adapter. The two UI generations differ only in where the visibility control and the
 * reply's Cancel are and how the "direct" icon is drawn (§2.2, §2.4, §2.5): data, read from the
 * generation's row of `generations` in mastodon/selectors.ts. Everything else (statuses, action
 * bars, compose parts, where the lock bar goes) is the same markup in 4.2-4.8.
 */
export function adapterFor(generation: UiGeneration, pageHost: string): MastodonAdapter {
  return {
    generation,
    composeForms(root) {
      const out: ComposeParts[] = [];
      for (const form of root.querySelectorAll<HTMLFormElement>(selectors.composeForm)) {
        const textarea = form.querySelector<HTMLTextAreaElement>(selectors.composeTextarea);
        const wrapper =
          textarea?.closest<HTMLElement>(selectors.composeTextareaWrapper) ?? textarea?.parentElement ?? null;
        if (!textarea || !wrapper) continue;
        out.push({
          form,
          textarea,
          wrapper,
          submit: form.querySelector<HTMLButtonElement>(selectors.composeSubmit),
          replying: form.querySelector(selectors.composeReplyIndicator) !== null,
          editing: form.querySelector(selectors.composeEditIndicator) !== null,
        });
      }
      return out;
    },
    isDirect(form) {
      const button = form.querySelector(generations[generation].visibilityButton);
      return button?.querySelector(generations[generation].visibilityDirectIcon) != null;
    },
    replyCancel(parts) {
      if (!parts.replying) return null;
      return parts.form.querySelector<HTMLButtonElement>(generations[generation].replyCancel);
    },
    lockBarAnchor(parts) {
      return parts.wrapper;
    },
    statuses(root, marker) {
      const out: FoundStatus[] = [];
      for (const content of root.querySelectorAll<HTMLElement>(selectors.content)) {
        if (!(content.textContent ?? '').includes(marker)) continue;
        const found = readStatus(content, pageHost);
        if (found !== null) out.push(found);
      }
      return out;
    },
    replyButton(container) {
      return container.querySelector<HTMLButtonElement>(selectors.replyButton);
    },
    replyTarget(target) {
      const button = target.closest(selectors.actionBarButton);
      const bar = button?.closest(selectors.actionBar);
      if (!button || !bar || bar.querySelector(selectors.actionBarButton) !== button) return null;
      const status = bar.closest(selectors.status);
      if (status) return status.getAttribute('data-id');
      const detailed = bar.parentElement?.querySelector(selectors.detailedDatetime) ?? null;
      return idFromStatusHref(detailed?.getAttribute('href') ?? null);
    },
  };
}
