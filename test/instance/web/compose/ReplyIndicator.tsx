// div.reply-indicator (while replying) and div.navigation-bar (holds the reply Cancel button).
import type { JSX } from 'preact';
import { bootState } from '../app';
import { plainText } from '../html';
import type { Status } from '../model';
import { Icon } from '../ui/Icon';

export function ReplyIndicator(props: { status: Status }): JSX.Element {
  const s = props.status;
  return (
    <div class="reply-indicator">
      <div class="reply-indicator__line" />
      <a href={`/@${s.account.acct}`} class="detailed-status__display-name">
        <div class="account__avatar" />
      </a>
      <div class="reply-indicator__main">
        <a href={`/@${s.account.acct}`} class="detailed-status__display-name">
          <span class="display-name">
            <bdi>
              <strong class="display-name__html">{s.account.display_name || s.account.username}</strong>
            </bdi>
          </span>
        </a>
        <div class="reply-indicator__content translate">
          <p>{s.spoiler_text || plainText(s.content)}</p>
        </div>
      </div>
    </div>
  );
}

export function NavigationBar(props: { onCancel?: () => void }): JSX.Element {
  const me = bootState().me;
  return (
    <div class="navigation-bar">
      <a href="/home" class="navigation-bar__account" data-account-id={me}>
        <div class="account__avatar" />
      </a>
      {props.onCancel && (
        <div class="navigation-bar__actions">
          <button type="button" class="icon-button" title="Cancel" aria-label="Cancel" onClick={props.onCancel}>
            <Icon id="times" />
          </button>
        </div>
      )}
    </div>
  );
}
