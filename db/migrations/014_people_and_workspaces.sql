-- People, sign-in, API keys, the audit log and subsidiary workspaces (issue 14).
-- Owning modules: db/users.ts (users, user_links, login_attempts), db/sessions.ts (sessions),
-- db/api-keys.ts (api_keys), db/audit.ts (audit_log), db/workspaces.ts (workspaces, workspace_contacts,
-- contact_history and the row-level security on contacts).

-- A person who signs in. Sign-in is by e-mail across accounts, so the address is unique everywhere.
-- password_hash is null until the invitation is accepted (scrypt, "scrypt$N$r$p$salt$hash").
create table users (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  email text not null,
  name text not null,
  role text not null check (role in ('admin', 'hq_marketer', 'subsidiary_marketer', 'sales_manager', 'sales_rep', 'viewer')),
  -- The subsidiaries the user works for; all_subsidiaries for HQ people (admins, HQ marketers).
  all_subsidiaries boolean not null default false,
  subsidiary_codes text[] not null default '{}',
  -- The UI language; null means "the browser's".
  locale text check (locale in ('en', 'de', 'fr', 'it', 'es')),
  password_hash text,
  status text not null default 'invited' check (status in ('invited', 'active', 'disabled')),
  -- Lockout after repeated failed sign-ins (db/users.ts recordFailedSignIn).
  failed_sign_ins int not null default 0,
  locked_until timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index users_email on users (lower(email));

-- Invitation and password-reset links: the mail carries a signed token naming this row; the row makes
-- the link single-use and lets a newer link replace an older one.
create table user_links (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users(id),
  purpose text not null check (purpose in ('invitation', 'password_reset')),
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now(),
  created_by text not null
);
create index user_links_user on user_links (user_id, purpose);

-- Failed sign-ins per address and per client, for throttling (kept a day).
create table login_attempts (
  id bigserial primary key,
  email text not null,
  ip text,
  succeeded boolean not null,
  at timestamptz not null default now()
);
create index login_attempts_email on login_attempts (lower(email), at);
create index login_attempts_ip on login_attempts (ip, at);

-- Server-side sessions. The cookie holds a random token; only its SHA-256 is stored.
create table sessions (
  token_hash text primary key,
  user_id uuid not null references users(id),
  account_id uuid not null references accounts(id),
  -- Double-submit CSRF token for cookie-authenticated writes.
  csrf_token text not null,
  -- The subsidiary workspace the session works in (HQ may switch; null = the global view).
  workspace_subsidiary text,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  -- Absolute expiry; idle expiry is last_seen_at + the idle limit (db/sessions.ts).
  expires_at timestamptz not null,
  revoked_at timestamptz,
  user_agent text,
  ip text
);
create index sessions_user on sessions (user_id) where revoked_at is null;

-- API keys for integrations (ERP, web forms, CRM callbacks): shown once, stored as SHA-256.
create table api_keys (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  name text not null,
  key_hash text not null unique,
  -- The first characters of the key, so people can tell their keys apart without the secret.
  prefix text not null,
  role text not null check (role in ('admin', 'hq_marketer', 'subsidiary_marketer', 'sales_manager', 'sales_rep', 'viewer')),
  all_subsidiaries boolean not null default false,
  subsidiary_codes text[] not null default '{}',
  created_by text not null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  revoked_by text
);
create index api_keys_account on api_keys (account_id, created_at);

-- Who did what: sign-ins, permission changes, key changes, exports, erasures, contact edits.
create table audit_log (
  id bigserial primary key,
  account_id uuid references accounts(id),
  at timestamptz not null default now(),
  actor text not null,
  actor_name text,
  -- The workspace (subsidiary code) the actor worked in, when it was one.
  workspace text,
  action text not null,
  target text,
  details jsonb not null default '{}',
  ip text
);
create index audit_log_account on audit_log (account_id, at desc);

-- A subsidiary's workspace: its pool alias is a filter in the rule language (engine/nodes/contact-rules.ts)
-- over the one global contact pool: any of the rule sets holds.
create table workspaces (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  subsidiary_code text not null,
  name text not null,
  pool_alias jsonb not null,
  updated_at timestamptz not null default now(),
  updated_by text not null,
  unique (account_id, subsidiary_code)
);

-- The alias's members, refreshed before each scoped request (db/workspaces.ts); the row-level security
-- policy below reads it, so the database itself knows who belongs to a workspace.
create table workspace_contacts (
  workspace_id uuid not null references workspaces(id) on delete cascade,
  contact_id uuid not null references contacts(id) on delete cascade,
  primary key (workspace_id, contact_id)
);

-- A contact's edit history: who changed what, from which workspace, when.
create table contact_history (
  id bigserial primary key,
  account_id uuid not null references accounts(id),
  contact_id uuid not null references contacts(id) on delete cascade,
  at timestamptz not null default now(),
  actor text not null,
  actor_name text,
  workspace text,
  changes jsonb not null
);
create index contact_history_contact on contact_history (contact_id, at desc);

-- The second wall. Requests run their contact queries as kessler_scoped with kessler.account,
-- kessler.workspace and kessler.subsidiaries set for the transaction (db/workspaces.ts withContactScope);
-- a query that forgets its filter still sees only the caller's contacts. Workers and system code set
-- nothing and are allowed; the kessler_scoped role without the settings sees nothing (so clearing them
-- inside a scoped transaction does not open the wall). FORCE makes the table's owner subject too;
-- superusers never are, hence the switch to kessler_scoped (a deployment connecting as a plain owner
-- gets the wall from the settings alone).
do $$
begin
  create role kessler_scoped nologin;
exception when duplicate_object or unique_violation then null;
end $$;
grant kessler_scoped to current_user;
grant usage on schema public to kessler_scoped;
grant select, insert, update, delete on all tables in schema public to kessler_scoped;
grant usage, select on all sequences in schema public to kessler_scoped;
alter default privileges in schema public grant select, insert, update, delete on tables to kessler_scoped;
alter default privileges in schema public grant usage, select on sequences to kessler_scoped;

create function kessler_sees_contact(contact_account uuid, contact_id uuid, contact_subsidiary uuid) returns boolean
language sql stable as $$
  select case
    when coalesce(current_setting('kessler.account', true), '') = '' then current_user <> 'kessler_scoped'
    when contact_account::text <> current_setting('kessler.account', true) then false
    when coalesce(current_setting('kessler.workspace', true), '') <> '' then exists (
      select 1 from workspace_contacts wc
      where wc.workspace_id::text = current_setting('kessler.workspace', true) and wc.contact_id = kessler_sees_contact.contact_id)
    when coalesce(current_setting('kessler.subsidiaries', true), '*') = '*' then true
    else exists (
      select 1 from subsidiaries s
      where s.id = contact_subsidiary and s.code = any(string_to_array(current_setting('kessler.subsidiaries', true), ',')))
  end
$$;

alter table contacts enable row level security;
alter table contacts force row level security;
create policy contacts_scope on contacts using (kessler_sees_contact(account_id, id, subsidiary_id))
  with check (kessler_sees_contact(account_id, id, subsidiary_id));

-- Events follow their contact: in a scoped transaction, an event is visible when its contact is (the
-- subquery on contacts is itself under the policy above).
alter table events enable row level security;
alter table events force row level security;
create policy events_scope on events using (
  case when coalesce(current_setting('kessler.account', true), '') = '' then current_user <> 'kessler_scoped'
       else exists (select 1 from contacts c where c.id = events.contact_id) end);
