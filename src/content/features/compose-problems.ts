/**
 * What the user sees when Hush refuses to post: every reason at once, each with its action
 * (invite, review the key in the popup, unlock). Only handles and reason codes reach here.
 */
import type { EncryptReply, RecipientState } from '../../messaging/overlay-messages';
import { msg } from '../dom';

const RECIPIENT_KEYS: Record<Exclude<RecipientState, 'ready'>, string> = {
  no_key: 'problemNoKey',
  key_changed: 'problemKeyChanged',
  revoked: 'problemRevoked',
  not_found: 'problemNotFound',
  disagreement: 'problemDisagreement',
  rollback: 'problemRollback',
  network: 'problemNetwork',
};

export function problemsView(reply: Extract<EncryptReply, { ok: false }>, onInvite: (text: string) => void): HTMLElement {
  const box = document.createElement('div');
  box.className = 'hush-problems';
  const head = document.createElement('p');
  head.className = 'hush-problems__head';
  head.textContent = msg('problemNothingPosted');
  box.append(head);
  const list = document.createElement('ul');
  const line = (text: string, state: string) => {
    const li = document.createElement('li');
    li.dataset.hushProblem = state;
    li.textContent = text;
    list.append(li);
  };
  if (reply.account !== null) line(msg(reply.account === 'locked' ? 'problemAccountLocked' : 'problemAccountNotEnabled'), `account-${reply.account}`);
  for (const r of reply.recipients) if (r.state !== 'ready') line(msg(RECIPIENT_KEYS[r.state], `@${r.acct}`), r.state);
  if (reply.account === null && reply.recipients.length === 0) line(msg(reply.message === 'empty' ? 'problemEmpty' : reply.message === 'no recipients' ? 'problemNoRecipients' : 'problemEncryptFailed'), 'failed');
  box.append(list);
  if (reply.invitation !== null) {
    const invitation = reply.invitation;
    const invite = document.createElement('button');
    invite.type = 'button';
    invite.className = 'hush-link';
    invite.dataset.hushAction = 'invite';
    invite.textContent = msg('problemInviteAction');
    invite.title = invitation;
    invite.addEventListener('click', (e) => {
      if (e.isTrusted) onInvite(invitation);
    });
    box.append(invite);
  }
  return box;
}
