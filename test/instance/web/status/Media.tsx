// What a status shows below its content, as Mastodon renders it: the media gallery
// (components/media_gallery.jsx) for images/gifv/unknown or several attachments, the compact
// attachment list of the DM column (attachment_list.jsx), and the link preview card
// (features/status/components/card.tsx). Video/audio players are approximated by the gallery.
import { useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { MediaAttachment, PreviewCard, Status } from '../model';
import { Icon } from '../ui/Icon';

function filename(url: string): string {
  return (url.split('/').pop() ?? '').split('#')[0]?.split('?')[0] ?? '';
}

/** The spoiler overlay of hidden (sensitive) media. */
function SpoilerButton(props: { onClick: () => void }): JSX.Element {
  return (
    <div class="spoiler-button">
      <button type="button" class="spoiler-button__overlay" onClick={props.onClick}>
        <span class="spoiler-button__overlay__label">
          <span class="spoiler-button__overlay__text">Sensitive content</span>
          <span class="spoiler-button__overlay__action">Click to show</span>
        </span>
      </button>
    </div>
  );
}

function GalleryItem(props: {
  a: MediaAttachment;
  index: number;
  size: number;
  standalone: boolean;
  visible: boolean;
}): JSX.Element {
  const { a, index, size } = props;
  const width = size === 1 ? 100 : 50;
  const height = size === 4 || (size === 3 && index > 0) ? 50 : 100;
  const cls = ['media-gallery__item'];
  if (props.standalone) cls.push('standalone');
  if (height === 100) cls.push('media-gallery__item--tall');
  if (width === 100) cls.push('media-gallery__item--wide');
  const description = a.description ?? undefined;
  const href = a.remote_url ?? a.url;
  const thumbnail =
    a.type === 'gifv' || a.type === 'video' ? (
      <div class="media-gallery__gifv">
        <video
          class="media-gallery__item-gifv-thumbnail"
          aria-label={description}
          role="application"
          src={a.url}
          playsInline
          loop
          muted
        />
      </div>
    ) : (
      <a class="media-gallery__item-thumbnail" href={href} target="_blank" rel="noopener">
        <img src={a.preview_url} alt={description} />
      </a>
    );
  return (
    <div class={cls.join(' ')}>
      <canvas
        class={`media-gallery__preview${props.visible ? ' media-gallery__preview--hidden' : ''}`}
        width={32}
        height={32}
      />
      {props.visible && thumbnail}
      {props.visible && description !== undefined && description.length > 0 && (
        <div class="media-gallery__item__badges">
          <button type="button" class="media-gallery__alt__label">
            ALT
          </button>
        </div>
      )}
    </div>
  );
}

/** div.media-gallery.media-gallery--layout-N; sensitive media hidden behind .spoiler-button. */
export function MediaGallery(props: { status: Status }): JSX.Element {
  const media = props.status.media_attachments;
  // display_media 'default': visible unless the status is sensitive.
  const [visible, setVisible] = useState(!props.status.sensitive);
  const first = media[0];
  const fullSize = media.length === 1 && first?.type === 'image' && first.aspect !== null;
  const style = { aspectRatio: fullSize && first ? String(first.aspect) : '3 / 2' };
  return (
    <div class={`media-gallery media-gallery--layout-${media.length}`} style={style}>
      {media.map((a, i) => (
        <GalleryItem key={a.id} a={a} index={i} size={media.length} standalone={fullSize} visible={visible} />
      ))}
      {!visible && <SpoilerButton onClick={() => setVisible(true)} />}
      {visible && (
        <div class="media-gallery__actions">
          <button type="button" class="media-gallery__actions__pill" onClick={() => setVisible(false)}>
            Hide
          </button>
        </div>
      )}
    </div>
  );
}

/** The DM column's compact list: one link per attachment, named by its file name. */
export function AttachmentList(props: { media: MediaAttachment[] }): JSX.Element {
  return (
    <div class="attachment-list compact">
      <ul class="attachment-list__list">
        {props.media.map((a) => {
          const url = a.remote_url ?? a.url;
          return (
            <li key={a.id}>
              <a href={url} target="_blank" rel="noopener">
                <Icon id="link" /> {filename(url)}
              </a>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** a.status-card (link cards; video cards get the interactive div form). */
export function Card(props: { card: PreviewCard; sensitive: boolean }): JSX.Element {
  const { card } = props;
  const [revealed, setRevealed] = useState(!props.sensitive);
  const hasImage = card.image !== null;
  const interactive = card.type === 'video';
  const largeImage = (hasImage && card.width > card.height) || interactive;
  let provider = card.provider_name;
  if (provider === '') {
    try {
      provider = new URL(card.url).hostname;
    } catch {
      provider = '';
    }
  }
  const lang = card.language ?? '';
  const description = (
    <div class="status-card__content" dir="auto">
      <span class="status-card__host">
        <span lang={lang}>{provider}</span>
      </span>
      <strong class="status-card__title" title={card.title} lang={lang}>
        {card.title}
      </strong>
      {card.author_name.length > 0 ? (
        <span class="status-card__author">
          By <strong>{card.author_name}</strong>
        </span>
      ) : (
        <span class="status-card__description" lang={lang}>
          {card.description}
        </span>
      )}
    </div>
  );
  const thumbStyle = {
    visibility: revealed ? undefined : 'hidden',
    aspectRatio: interactive ? '16 / 9' : largeImage ? '1.91 / 1' : '1',
  };
  const spoiler = (
    <div class={`spoiler-button${revealed ? ' spoiler-button--minified' : ''}`}>
      <button
        type="button"
        class="spoiler-button__overlay"
        onClick={(e) => {
          e.preventDefault();
          setRevealed(true);
        }}
      >
        <span class="spoiler-button__overlay__label">
          Sensitive content<span class="spoiler-button__overlay__action">Click to show</span>
        </span>
      </button>
    </div>
  );
  const image = hasImage ? (
    <div class="status-card__image">
      <canvas
        class={`status-card__image-preview${revealed ? ' status-card__image-preview--hidden' : ''}`}
        width={32}
        height={32}
      />
      {!revealed && spoiler}
      <img
        src={card.image ?? undefined}
        alt={card.image_description}
        title={card.image_description}
        lang={lang}
        style={thumbStyle}
        class="status-card__image-image"
      />
    </div>
  ) : (
    <div class="status-card__image">
      <Icon id="file-text" />
    </div>
  );
  if (interactive) {
    return (
      <div class={`status-card${largeImage ? ' expanded' : ''}`}>
        {image}
        <a href={card.url} target="_blank" rel="noopener">
          {description}
        </a>
      </div>
    );
  }
  return (
    <a href={card.url} class={`status-card${largeImage ? ' expanded' : ''}`} target="_blank" rel="noopener">
      {image}
      {description}
    </a>
  );
}

/** status.jsx: media first (a gallery for images or several attachments), else the card. */
export function StatusMedia(props: { status: Status }): JSX.Element | null {
  const s = props.status;
  if (s.media_attachments.length > 0) return <MediaGallery status={s} />;
  if (s.card) return <Card key={`${s.id}-${s.edited_at ?? ''}`} card={s.card} sensitive={s.sensitive} />;
  return null;
}
