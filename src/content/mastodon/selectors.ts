/**
 * Every DOM selector Hush uses on the Mastodon web UI, in one place (as Refined GitHub does).
 * Each carries the versions it was checked against (see ../shared/reference/mastodon-web-ui.md
 * and test/fixtures/mastodon/). Alternatives are arrays, one comment per alternative.
 */
export const selectors = {
  /** §1.4: the React mount node, 4.2-4.8. */
  appHolder: '#mastodon.app-holder[data-props]',
  /** §1.2: server-rendered state, 4.2-4.8. */
  initialState: 'script#initial-state[type="application/json"]',
} as const;
