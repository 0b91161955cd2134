/**
 * Capture-phase guards: while the secure editor is open, every submit path of Mastodon's own form
 * (the form's submit, Ctrl/Cmd+Enter in its inputs, mastodon-ui.md §2.6) is stopped before React's root
 * listeners see it, whoever made the event. Nothing here publishes (the editor frame sends,
 * the background posts); a submit the user made only moves the keyboard into the editor.
 */
import type { ComposeController } from './compose-lock';
import { selectors } from '../mastodon/selectors';
import type { Teardown } from '../teardown';

export function installSubmitGuard(
  controllerOf: (form: HTMLFormElement) => ComposeController | undefined,
  teardown: Teardown,
): void {
  const intercept = (e: Event): void => {
    const form = e.target instanceof Element ? e.target.closest<HTMLFormElement>(selectors.composeForm) : null;
    const c = form ? controllerOf(form) : undefined;
    if (c?.locked !== true) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    if (e.isTrusted) c.focusEditor();
  };
  teardown.listen(window, 'submit', intercept, true);
  teardown.listen(
    window,
    'keydown',
    (e) => {
      const k = e as KeyboardEvent;
      if (k.key === 'Enter' && (k.ctrlKey || k.metaKey)) intercept(e);
    },
    true,
  );
  // The Post button too: Mastodon submits from its click handler (4.5+), not only from the form.
  teardown.listen(
    window,
    'click',
    (e) => {
      if (e.target instanceof Element && e.target.closest(selectors.composeSubmit) !== null) intercept(e);
    },
    true,
  );
}
