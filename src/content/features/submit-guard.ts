/**
 * Capture-phase guards: while the secure editor is open, every submit path of Mastodon's own form
 * (the form's submit, Ctrl/Cmd+Enter in its inputs, mastodon-ui.md §2.6) is stopped before React's root
 * listeners see it, whoever made the event. Nothing here publishes (the editor frame sends,
 * the background posts); a submit the user made only moves the keyboard into the editor.
 */
import type { ComposeController } from './compose-lock';
import { selectors } from '../mastodon/selectors';
import type { Teardown } from '../teardown';
import { hushClass } from '../hush-nodes';

export function installSubmitGuard(
  controllerOf: (form: HTMLFormElement) => ComposeController | undefined,
  teardown: Teardown,
): void {
  guardSubmits(
    (form) => controllerOf(form)?.locked === true,
    (type, fn) => {
      teardown.listen(window, type, fn, true);
    },
    (form, e) => {
      if (e.isTrusted) controllerOf(form)?.focusEditor();
    },
  );
}

/** Adds one capture-phase listener of `type` on the window (with or without a Teardown). */
type Listen = (type: 'submit' | 'keydown' | 'click', fn: (e: Event) => void) => void;

/**
 * The one set of guards: every submit path of a compose form `isClosed` says is closed (the form's
 * submit, Ctrl/Cmd+Enter in its inputs, its Post button) is stopped before Mastodon sees it, and
 * `stopped` is told.
 */
function guardSubmits(
  isClosed: (form: HTMLFormElement) => boolean,
  listen: Listen,
  stopped?: (form: HTMLFormElement, e: Event) => void,
): void {
  const intercept = (e: Event): void => {
    const form = e.target instanceof Element ? e.target.closest<HTMLFormElement>(selectors.composeForm) : null;
    if (form === null || !isClosed(form)) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    stopped?.(form, e);
  };
  listen('submit', intercept);
  listen('keydown', (e) => {
    const k = e as KeyboardEvent;
    if (k.key === 'Enter' && (k.ctrlKey || k.metaKey)) intercept(e);
  });
  // The Post button too: Mastodon submits from its click handler (4.5+), not only from the form.
  listen('click', (e) => {
    if (e.target instanceof Element && e.target.closest(selectors.composeSubmit) !== null) intercept(e);
  });
}

/**
 * An orphaned script (its extension updated or turned off in Chromium) gives the page back, but a
 * form the user was writing in encrypted stays closed: Mastodon's own box must not post what the
 * user meant to encrypt (fail closed, attack review F4). A notice says why. Once the notice is
 * gone (a new Hush script sweeps it, or the page reloads) the form is Mastodon's again. Outside
 * the Teardown on purpose: nothing is left running to undo it.
 */
export function holdClosed(forms: readonly HTMLFormElement[], text: string): void {
  if (forms.length === 0) return;
  const notices = new Map<HTMLFormElement, HTMLElement>();
  for (const form of forms) {
    const notice = document.createElement('p');
    notice.className = hushClass.orphanNotice;
    notice.setAttribute('role', 'alert');
    notice.textContent = text;
    form.prepend(notice);
    notices.set(form, notice);
  }
  guardSubmits(
    (form) => notices.get(form)?.isConnected === true,
    (type, fn) => {
      window.addEventListener(type, fn, true);
    },
  );
}
