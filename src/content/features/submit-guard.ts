/**
 * Capture-phase guards: while encryption is on, Mastodon's own submit paths (the form's submit,
 * Ctrl/Cmd+Enter in its inputs, §2.6) are pre-empted before React's root listeners see them, and
 * routed to Hush's publish. Our own programmatic submit passes through (`posting`); events the
 * page dispatches itself (isTrusted false) are swallowed and start nothing.
 */
import type { ComposeController } from './compose-lock';

export function installSubmitGuard(controllerOf: (form: HTMLFormElement) => ComposeController | undefined): void {
  const intercept = (e: Event): void => {
    const form = e.target instanceof Element ? e.target.closest('form') : null;
    const c = form ? controllerOf(form) : undefined;
    if (c?.locked !== true || c.isPosting) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    // Page-made events (isTrusted false) are blocked but never start a post.
    if (e.isTrusted) void c.publish();
  };
  window.addEventListener('submit', intercept, true);
  window.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) intercept(e);
  }, true);
}
