// div.autosuggest-textarea > textarea.autosuggest-textarea__textarea, React-controlled (see
// valueTracker.ts), with @mention suggestions fetched while typing (a plaintext-leak surface that
// real Mastodon has: GET /api/v1/accounts/search?q=<token>&resolve=false&limit=4).
import { createPortal } from 'preact/compat';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { JSX, RefObject } from 'preact';
import { apiGet } from '../api';
import { parseAccount, parseList, type Account } from '../model';
import { useRootListener } from '../ui/rootEvents';
import { tokenAtCaret } from './tokens';
import { trackValue, type ValueTracker } from './valueTracker';

interface Props {
  value: string;
  placeholder: string;
  className?: string;
  focusDate: number;
  textareaRef: RefObject<HTMLTextAreaElement | null>;
  onChange: (value: string) => void;
  onKeyDown: (e: KeyboardEvent) => void;
  onPaste?: (e: ClipboardEvent) => void;
  disabled?: boolean;
}

export function AutosuggestTextarea(props: Props): JSX.Element {
  const tracker = useRef<ValueTracker | null>(null);
  const [suggestions, setSuggestions] = useState<Account[]>([]);
  const [token, setToken] = useState<{ start: number; token: string } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const lastFetch = useRef(0);
  const pendingQuery = useRef<string | null>(null);
  const currentQuery = useRef<string | null>(null);
  const { textareaRef } = props;

  useLayoutEffect(() => {
    const el = textareaRef.current;
    if (!el) return undefined;
    tracker.current = trackValue(el);
    return () => tracker.current?.detach();
  }, [textareaRef]);

  // Controlled value: on every commit, write state into the DOM through the tracked instance
  // setter when they differ (React's updateTextarea), so stray DOM edits are reverted on re-render.
  useLayoutEffect(() => {
    const el = textareaRef.current;
    if (el && el.value !== props.value) el.value = props.value;
  });

  useEffect(() => {
    if (props.focusDate > 0) {
      const el = textareaRef.current;
      el?.focus();
      el?.setSelectionRange(el.value.length, el.value.length);
    }
  }, [props.focusDate, textareaRef]);

  useEffect(() => () => clearTimeout(timer.current), []);

  const search = (q: string): void => {
    lastFetch.current = Date.now();
    if (q.startsWith('#') || q.startsWith('＃')) {
      // Hashtag suggestions are fetched as in Mastodon; this double does not display them.
      void apiGet(`/api/v2/search?type=hashtags&q=${encodeURIComponent(q.slice(1))}&limit=4`, (v) => v);
      return;
    }
    void apiGet(`/api/v1/accounts/search?q=${encodeURIComponent(q)}&resolve=false&limit=4`, (v) =>
      parseList(v, parseAccount),
    )
      // The request is sent regardless, but stale results stay hidden (suggestionsHidden).
      .then((r) => {
        if (currentQuery.current === q) setSuggestions(r.ok ? r.value : []);
      });
  };

  // Throttled (200 ms, leading + trailing) like fetchComposeSuggestionsAccounts: the first
  // "@xy" is sent at once, and a pending trailing call still fires after the token is gone.
  const fetchSuggestions = (t: { start: number; token: string } | null): void => {
    setToken(t);
    if (!t || t.token.startsWith(':')) {
      currentQuery.current = null; // ':' emoji shortcodes are matched locally
      setSuggestions([]);
      return;
    }
    const isAccount = t.token.startsWith('@') || t.token.startsWith('＠');
    if (!isAccount) setSuggestions([]);
    const q = isAccount ? t.token.slice(1) : t.token;
    currentQuery.current = q;
    const wait = 200 - (Date.now() - lastFetch.current);
    if (wait <= 0 && timer.current === undefined) {
      search(q);
      return;
    }
    pendingQuery.current = q;
    timer.current ??= setTimeout(
      () => {
        timer.current = undefined;
        if (pendingQuery.current !== null) search(pendingQuery.current);
        pendingQuery.current = null;
      },
      Math.max(wait, 0),
    );
  };

  const onInput = (): void => {
    const el = textareaRef.current;
    if (!el) return;
    if (!tracker.current?.updateIfChanged()) return; // React ignores "changes" to the tracked value
    props.onChange(el.value);
    fetchSuggestions(tokenAtCaret(el.value, el.selectionStart));
  };

  // Delegated at #mastodon, as React does (see ui/rootEvents.ts).
  useRootListener('input', textareaRef, onInput);
  useRootListener('keydown', textareaRef, props.onKeyDown);

  const select = (a: Account): void => {
    const el = textareaRef.current;
    if (!el || !token) return;
    const end = token.start + token.token.length;
    const next = `${el.value.slice(0, token.start)}@${a.acct} ${el.value.slice(end)}`;
    props.onChange(next);
    currentQuery.current = null;
    setSuggestions([]);
    setToken(null);
    el.focus();
  };

  const rect = textareaRef.current?.getBoundingClientRect();
  return (
    <div class={`autosuggest-textarea${props.className ? ` ${props.className}` : ''}`}>
      <textarea
        ref={textareaRef}
        class="autosuggest-textarea__textarea"
        dir="auto"
        aria-autocomplete="list"
        aria-label={props.placeholder}
        placeholder={props.placeholder}
        lang="en"
        rows={3}
        disabled={props.disabled}
        onPaste={props.onPaste}
        onBlur={() => setTimeout(() => setSuggestions([]), 200)}
      />
      {suggestions.length > 0 &&
        rect &&
        createPortal(
          <div
            class="autosuggest-textarea__suggestions-wrapper"
            style={{
              position: 'fixed',
              top: `${rect.bottom}px`,
              left: `${rect.left}px`,
              width: `${rect.width}px`,
              zIndex: '100',
            }}
          >
            <div class="autosuggest-textarea__suggestions autosuggest-textarea__suggestions--visible" role="listbox">
              {suggestions.map((a) => (
                <div
                  key={a.id}
                  class="autosuggest-textarea__suggestions__item"
                  role="option"
                  tabIndex={0}
                  onMouseDown={(e) => {
                    e.preventDefault();
                    select(a);
                  }}
                >
                  <div class="autosuggest-account" title={a.acct}>
                    <div class="autosuggest-account-icon">
                      <div class="account__avatar" />
                    </div>
                    <span class="display-name">
                      <bdi>
                        <strong class="display-name__html">{a.display_name || a.username}</strong>
                      </bdi>{' '}
                      <span class="display-name__account">@{a.acct}</span>
                    </span>
                  </div>
                </div>
              ))}
            </div>
          </div>,
          document.body,
        )}
    </div>
  );
}
