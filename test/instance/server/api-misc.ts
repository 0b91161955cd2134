// Instance metadata and the boot endpoints the web UI calls, answered harmlessly but in shape.
import type { Ctx } from './context.ts';
import { streamingBase } from './context.ts';
import { json, type Router } from './http.ts';

function limits(ctx: Ctx): Record<string, unknown> {
  return {
    accounts: {
      max_featured_tags: 10,
      max_pinned_statuses: 5,
      max_profile_fields: 4,
      profile_field_name_limit: 255,
      profile_field_value_limit: 255,
      max_display_name_length: 40,
      max_note_length: 500,
    },
    statuses: { max_characters: ctx.settings.maxCharacters, max_media_attachments: 4, characters_reserved_per_url: 23 },
    media_attachments: {
      supported_mime_types: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'],
      description_limit: 1500,
      image_size_limit: 16777216,
      image_matrix_limit: 33177600,
      video_size_limit: 103809024,
      video_frame_rate_limit: 120,
      video_matrix_limit: 8294400,
    },
    polls: { max_options: 4, max_characters_per_option: 50, min_expiration: 300, max_expiration: 2629746 },
  };
}

function userCount(ctx: Ctx): number {
  return Number(ctx.db.get('SELECT count(*) AS n FROM accounts WHERE domain IS NULL')?.n ?? 0);
}

function instanceV2(ctx: Ctx): Record<string, unknown> {
  return {
    domain: ctx.domain,
    title: ctx.domain,
    version: ctx.settings.uiVersion,
    source_url: 'https://github.com/mastodon/mastodon',
    description: 'Hush test instance (a stand-in for Mastodon in browser tests).',
    usage: { users: { active_month: userCount(ctx) } },
    thumbnail: { url: `${ctx.origin}/avatars/original/missing.png`, blurhash: null, versions: {} },
    icon: [],
    languages: ['en'],
    configuration: {
      urls: {
        streaming: streamingBase(ctx),
        status: null,
        about: `${ctx.origin}/about`,
        privacy_policy: null,
        terms_of_service: null,
      },
      vapid: { public_key: 'BHush-test-instance-no-web-push' },
      ...limits(ctx),
      translation: { enabled: false },
      timelines_access: {
        live_feeds: { local: 'public', remote: 'public' },
        hashtag_feeds: { local: 'public', remote: 'public' },
        trending_link_feeds: { local: 'public', remote: 'public' },
      },
      limited_federation: false,
    },
    registrations: {
      enabled: false,
      approval_required: false,
      reason_required: false,
      message: null,
      min_age: null,
      url: null,
    },
    api_versions: { mastodon: 7 },
    contact: { email: `admin@${ctx.domain}`, account: null },
    rules: [],
  };
}

function instanceV1(ctx: Ctx): Record<string, unknown> {
  const statuses = Number(
    ctx.db.get('SELECT count(*) AS n FROM statuses WHERE local = 1 AND deleted_at IS NULL')?.n ?? 0,
  );
  return {
    uri: ctx.domain,
    title: ctx.domain,
    short_description: '',
    description: '',
    email: `admin@${ctx.domain}`,
    version: ctx.settings.uiVersion,
    urls: { streaming_api: streamingBase(ctx) },
    stats: { user_count: userCount(ctx), status_count: statuses, domain_count: ctx.peers.size - 1 },
    thumbnail: `${ctx.origin}/avatars/original/missing.png`,
    languages: ['en'],
    registrations: false,
    approval_required: false,
    invites_enabled: false,
    configuration: limits(ctx),
    contact_account: null,
    rules: [],
  };
}

export function miscRoutes(r: Router): void {
  r.add('GET', '/api/v2/instance', (ctx) => json(instanceV2(ctx)), 'none');
  r.add('GET', '/api/v1/instance', (ctx) => json(instanceV1(ctx)), 'none');
  r.add('GET', '/api/v1/instance/translation_languages', () => json({}), 'none');
  r.add('GET', '/api/v1/instance/rules', () => json([]), 'none');
  r.add('GET', '/api/v1/instance/peers', (ctx) => json([...ctx.peers.keys()].filter((d) => d !== ctx.domain)), 'none');
  r.add('GET', '/api/v1/instance/extended_description', () => json({ updated_at: null, content: '' }), 'none');
  r.add('GET', '/api/v1/custom_emojis', () => json([]), 'none');
  r.add('GET', '/api/v1/announcements', () => json([]));
  r.add('GET', '/api/v1/lists', () => json([]));
  r.add('GET', '/api/v1/follow_requests', () => json([]));
  r.add('GET', '/api/v1/followed_tags', () => json([]));
  r.add('GET', '/api/v1/featured_tags', () => json([]));
  r.add('GET', '/api/v1/trends/tags', () => json([]), 'none');
  r.add('GET', '/api/v1/trends/statuses', () => json([]), 'none');
  r.add('GET', '/api/v1/trends/links', () => json([]), 'none');
  r.add('GET', '/api/v2/suggestions', () => json([]));
  r.add('GET', '/api/v1/filters', () => json([]));
  r.add('GET', '/api/v2/filters', () => json([]));
  r.add('GET', '/api/v1/blocks', () => json([]));
  r.add('GET', '/api/v1/mutes', () => json([]));
  r.add('GET', '/api/v1/bookmarks', () => json([]));
  r.add('GET', '/api/v1/favourites', () => json([]));
  r.add('GET', '/api/v1/domain_blocks', () => json([]));
  r.add('GET', '/api/v1/scheduled_statuses', () => json([]));
  r.add('GET', '/api/v1/notifications/requests', () => json([]));
  r.add('GET', '/api/v1/notifications/policy', () =>
    json({
      filter_not_following: false,
      filter_not_followers: false,
      filter_new_accounts: false,
      filter_private_mentions: false,
      summary: { pending_requests_count: 0, pending_notifications_count: 0 },
    }),
  );
  r.add('GET', '/api/v2/notifications/policy', () =>
    json({
      for_not_following: 'accept',
      for_not_followers: 'accept',
      for_new_accounts: 'accept',
      for_private_mentions: 'accept',
      for_limited_accounts: 'filter',
      summary: { pending_requests_count: 0, pending_notifications_count: 0 },
    }),
  );
  r.add('GET', '/api/v1/preferences', () =>
    json({
      'posting:default:visibility': 'public',
      'posting:default:sensitive': false,
      'posting:default:language': null,
      'reading:expand:media': 'default',
      'reading:expand:spoilers': false,
    }),
  );
  r.add('PUT', '/api/web/settings', (ctx, req) => {
    const data = req.body.data ?? req.body;
    ctx.db.run(
      'INSERT INTO web_settings (account_id, data) VALUES (?, ?) ON CONFLICT(account_id) DO UPDATE SET data = excluded.data',
      [req.account?.id ?? '', JSON.stringify(data)],
    );
    return json({});
  });
  r.add('POST', '/api/web/push_subscriptions', () => json({}));
}
