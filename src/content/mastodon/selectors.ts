/**
 * Every DOM selector Hush uses on the Mastodon web UI, in one place (as Refined GitHub does).
 * Lint (eslint.config.js, `no-restricted-syntax`) rejects a selector written anywhere else in
 * src/content: querySelector/querySelectorAll/closest/matches take a member of `selectors` or
 * `generations[g]` (this file) or of `hushSelectors` (content/hush-nodes.ts: Hush's own nodes),
 * never a string.
 * Each carries the versions it was checked against (section numbers of
 * docs/mastodon-ui.md, which says where each fact was observed). Hand-written snapshots of each UI generation in
 * test/fixtures/mastodon/ check them (test/browser/adapter-fixtures.browser.test.ts). Text labels
 * are localised, so nothing here matches on text.
 */
import type { UiGeneration } from '../../messaging/messages';
/** §3.2/§3.6: a status's action bar, and a thread's focused status's own bar. */
const ACTION_BAR = '.status__action-bar, .detailed-status__action-bar';

export const selectors = {
  /** §1.4: the React mount node, 4.2-4.8. */
  appHolder: '#mastodon.app-holder[data-props]',
  /** §1.2: server-rendered state, 4.2-4.8. */
  initialState: 'script#initial-state[type="application/json"]',
  /** §1.4: where React renders; the one MutationObserver root. */
  root: '#mastodon',

  // --- Compose (§2.2, §9) ---
  /** 4.2-4.8: every compose form (panel, drawer, /publish, /share). */
  composeForm: 'form.compose-form',
  /** 4.2-4.8: react-textarea-autosize inside .autosuggest-textarea. */
  composeTextarea: 'textarea.autosuggest-textarea__textarea',
  /** 4.2-4.8: the textarea's wrapper (position anchor for the secure editor). */
  composeTextareaWrapper: '.autosuggest-textarea',
  /** 4.3-4.8 (4.2: .compose-form__publish button[type=submit], same selector below). */
  composeSubmit: 'button[type="submit"]',
  /** 4.2-4.8: remaining characters; --over when negative. */
  composeCounter: 'span.character-counter',
  /** 4.2-4.8: present iff replying (the in-reply-to id is NOT in the DOM, §2.5). */
  composeReplyIndicator: '.reply-indicator',
  /** 4.3-4.8: the text of the status being answered or edited, shown above the box (§3.7b). */
  composeQuotedContent: '.reply-indicator__content, .edit-indicator__content',
  /** 4.2-4.8: the content-warning input (present while the CW is on). */
  composeCwInput: 'input#cw-spoiler-input',
  /** 4.3-4.8: present iff editing an existing status. */
  composeEditIndicator: '.edit-indicator',

  // --- Statuses (§3.2-3.7, §9) ---
  /** 4.2-4.8: any Status component; data-id = the displayed status (boost: the original). */
  status: '.status[data-id]',
  /** 4.2-4.8: the focused status of a thread has no data-id (§3.6). */
  detailedStatus: '.detailed-status',
  /** §3.6: focused status id comes from this link's href /@acct/<id>. */
  detailedDatetime: 'a.detailed-status__datetime',
  /** §3.5: a DM-column entry (no status id in the DOM). */
  conversation: '.conversation',
  /** 4.2-4.8: the content element holding the status HTML. */
  content: '.status__content__text',
  /** §3.2: author link, href="/@acct" (acct with domain for remote authors). */
  authorLink: 'a.status__display-name, a.detailed-status__display-name',
  /** §3.2: header time link, href="/@acct/<id>". */
  statusTimeLink: 'a.status__relative-time',
  /** §3.3: mention links inside content (hashtags also carry .mention). */
  mention: 'a.mention:not(.hashtag)',
  /**
   * §3.2: the action bar; its first button is Reply. A thread's focused status has its own bar,
   * div.detailed-status__action-bar, a sibling of .detailed-status (features/status/components/
   * action_bar.jsx, 4.2-4.8; docs/mastodon-ui.md §3.6).
   */
  actionBar: ACTION_BAR,
  /** §3.2: 4.3+ CW banner (content absent until expanded). */
  contentWarning: '.content-warning',
  /** 4.2: the CW's show-more button (the spoiler text precedes the content). */
  spoilerButton: '.status__content__spoiler-link',
  /** 4.2-4.8: the element whose mousedown/mouseup opens the status (StatusContent). */
  contentWrapper: '.status__content',
  /** 4.2-4.8: the status's date (relative time link, the focused status's datetime, a DM entry's time). */
  statusTime: 'time[datetime]',
  /**
   * 4.2-4.8: attachments (gallery, video, audio; the DM column's compact list, conversation.jsx
   * AttachmentList) and a link preview card: outside the encryption.
   */
  media: '.media-gallery, .video-player, .audio-player, .media-gallery__item, .attachment-list',
  card: '.status-card',
  /** 4.2-4.8: a poll (components/poll.tsx, rendered by StatusContent: also in a DM-column entry). */
  poll: '.poll',
  /**
   * 4.4-4.8: a quoted post (components/status_quoted.tsx: div.status__quote, also for "Post
   * unavailable"; the quoting status carries .status--has-quote). Not the focused status's
   * quotes count (.detailed-status__quotes).
   */
  quote: '.status__quote, .status--has-quote',
  /** §3.5: the participants line of a DM-column entry, links href="/@acct". */
  conversationNames: '.conversation__content__names a[href]',
  /** §3.1/§3.5: a virtualised list's item; in the DM column its data-id is the conversation id. */
  listItem: 'article[data-id]',
  /** §3.2/§3.6: the wrapper whose aria-label holds the status text for screen readers. */
  labelledWrapper: '[aria-label].status__wrapper, [aria-label].detailed-status__wrapper',
  /** §3.3: a link inside the content (its colour is the view's link colour). */
  contentLink: 'a',
  /** §3.3: the span inside a mention (4.5+ high-contrast theme underlines it, not the link). */
  mentionInner: 'span',
  /** §3.2/§3.6: any button of an action bar (the first one is Reply). */
  actionBarButton: 'button',
  /** §3.2/§3.6: the Reply button of a status container: the first button of its action bar. */
  replyButton: `:is(${ACTION_BAR}) button`,
} as const;

/**
 * What differs between the two UI generations (mastodon/detect.ts `generationOf`: '4.3' = 4.2-4.4,
 * '4.5' = 4.5-4.8), as data: the one adapter (adapters/adapter.ts) reads the row of the page's
 * generation. Everything else in `selectors` holds for every version.
 */
export interface GenerationSelectors {
  /** The control showing the form's current visibility (§2.4): the first match in the form. */
  readonly visibilityButton: string;
  /** Inside it, the icon that means "direct" (private mention). */
  readonly visibilityDirectIcon: string;
  /** The button that cancels the reply (§2.5); looked for only while replying. */
  readonly replyCancel: string;
}

export const generations: Readonly<Record<UiGeneration, GenerationSelectors>> = {
  '4.3': {
    /** 4.3-4.4: the first .dropdown-button in the footer's .compose-form__dropdowns (the language
     * button follows it, also a .dropdown-button); 4.2: the privacy dropdown's value icon button. */
    visibilityButton: '.compose-form__dropdowns .dropdown-button, .privacy-dropdown__value-icon',
    /** 4.3-4.4: svg.icon-at; 4.2: Font Awesome i.fa-at. */
    visibilityDirectIcon: 'svg.icon-at, i.fa-at',
    /** 4.3-4.4: the IconButton of div.navigation-bar inside the form (features/compose/components/
     * navigation_bar.tsx; its account part has no button); 4.2: .reply-indicator__cancel's button. */
    replyCancel: '.navigation-bar button.icon-button, .reply-indicator__cancel button',
  },
  '4.5': {
    /** 4.5-4.8: the first .dropdown-button of .compose-form__dropdowns, now at the top of the form
     * (features/compose/components/visibility_button.tsx; it opens a modal instead of a list). */
    visibilityButton: '.compose-form__dropdowns .dropdown-button',
    visibilityDirectIcon: 'svg.icon-at',
    /** 4.5-4.8: as 4.3-4.4 (navigation_bar.tsx unchanged). */
    replyCancel: '.navigation-bar button.icon-button',
  },
};
