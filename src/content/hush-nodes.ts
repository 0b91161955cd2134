/**
 * Hush's own nodes in the Mastodon page: the class names the content script gives the elements it
 * adds (or sets on Mastodon's), and the selectors that find them again. Mastodon's markup lives
 * in mastodon/selectors.ts; content.css styles these classes.
 */
export const hushClass = {
  /** The host of a secure view, inserted after a status's content element. */
  viewHost: 'hush-view',
  /** Set on a content element (Mastodon's) whose ciphertext a view or placeholder replaces. */
  ciphertext: 'hush-ciphertext',
  /** An extension-origin frame (view or editor). */
  frame: 'hush-frame',
  /** Set on a compose form (Mastodon's) while the secure editor is open. */
  locked: 'hush-locked',
  /** The bar with the "Encrypt" control above the compose box. */
  lockBar: 'hush-lock-bar',
  /** The host of the secure editor, inside the textarea's wrapper. */
  editorHost: 'hush-editor-host',
  /** The placeholder shown instead of a quoted ciphertext above the compose box. */
  quotedPlaceholder: 'hush-quoted-placeholder',
  /** The notice on a compose form an orphaned script keeps closed (submit-guard.ts holdClosed). */
  orphanNotice: 'hush-orphan-notice',
} as const;

export const hushSelectors = {
  viewHost: `.${hushClass.viewHost}`,
  /** The view frame of a host (its direct child). */
  viewFrame: `:scope > iframe.${hushClass.frame}`,
  /** Every node the content script adds to the page (a new run sweeps what an old one left, root.ts). */
  added: [
    hushClass.viewHost,
    hushClass.lockBar,
    hushClass.editorHost,
    hushClass.quotedPlaceholder,
    hushClass.orphanNotice,
  ]
    .map((c) => `.${c}`)
    .join(', '),
  /** Mastodon's nodes the content script marks with a class of its own. */
  marked: [hushClass.ciphertext, hushClass.locked].map((c) => `.${c}`).join(', '),
} as const;
