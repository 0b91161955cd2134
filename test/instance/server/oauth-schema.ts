// Doorkeeper's three tables (applications, grants, tokens), as far as the test instance needs them.
export const OAUTH_SCHEMA = `
CREATE TABLE IF NOT EXISTS oauth_applications (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  uid TEXT NOT NULL UNIQUE,
  secret TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,       -- newline-separated, as Doorkeeper stores it
  scopes TEXT NOT NULL,
  website TEXT,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS oauth_access_grants (
  token TEXT PRIMARY KEY,
  application_id TEXT NOT NULL,
  resource_owner_id TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  scopes TEXT NOT NULL,
  code_challenge TEXT,
  code_challenge_method TEXT,
  expires_at INTEGER NOT NULL,
  revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS oauth_access_tokens (
  token TEXT PRIMARY KEY,
  application_id TEXT,
  resource_owner_id TEXT,           -- NULL for client_credentials
  scopes TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
`;
