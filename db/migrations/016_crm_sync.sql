-- CRM in both directions (issue 12): one connection per account, links between contacts and CRM records,
-- sync runs with their cursor and counts, conflicts a person resolves, attribute provenance, duplicate
-- suggestions and the log of merges. Owning modules: db/crm.ts (connection, links, runs, cursors,
-- conflicts) and db/duplicates.ts (suggestions, merges, provenance).

-- The CRM an admin connected. Credentials are AES-256-GCM ciphertext under a key derived from APP_SECRET
-- (crm/secret-box.ts); the API never answers them back.
create table crm_connections (
  account_id uuid primary key references accounts(id),
  kind text not null check (kind in ('bottlecrm')),
  base_url text not null,
  credentials_encrypted text not null,
  -- Per field: direction (to_crm, from_crm, both) and, for both, the policy (latest, prefer_crm, prefer_product).
  field_mappings jsonb not null,
  sync_every text not null default '15m',
  -- At handover: create a lead in the CRM assigned to the routed rep, or keep the signed webhook only.
  handover_mode text not null default 'crm_lead' check (handover_mode in ('crm_lead', 'webhook')),
  enabled boolean not null default true,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- A contact's records in the CRM (a CRM contact, a lead made at handover, an account, an opportunity).
-- crm_updated_at is the CRM's last change we applied; pushed_hash what we last wrote, so a second push of
-- the same values is skipped (idempotent) and our own write coming back is not taken for a CRM edit.
create table crm_links (
  account_id uuid not null references accounts(id),
  object_type text not null check (object_type in ('contact', 'lead', 'account', 'opportunity')),
  crm_id text not null,
  contact_id uuid references contacts(id),
  handover_id uuid references handovers(id),
  crm_updated_at timestamptz,
  crm_values jsonb not null default '{}',
  pushed_hash text,
  pushed_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (account_id, object_type, crm_id)
);
create index crm_links_contact on crm_links (contact_id);
create unique index crm_links_handover on crm_links (handover_id) where handover_id is not null;

-- The committed high-water mark per direction and CRM object: a run starts from here.
create table crm_cursors (
  account_id uuid not null references accounts(id),
  stream text not null,
  cursor jsonb not null,
  updated_at timestamptz not null default now(),
  primary key (account_id, stream)
);

-- One sync run: its page (resume point after a crash), counts and status as people see them.
create table crm_sync_runs (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  trigger text not null check (trigger in ('schedule', 'manual')),
  status text not null default 'running' check (status in ('running', 'retrying', 'done', 'failed')),
  stream text,
  page jsonb,
  records_in int not null default 0,
  records_out int not null default 0,
  conflicts int not null default 0,
  errors int not null default 0,
  last_error text,
  started_at timestamptz not null default now(),
  finished_at timestamptz
);
create index crm_sync_runs_account on crm_sync_runs (account_id, started_at desc);

-- A field both sides changed that the mapping's policy cannot settle; a person picks the value.
create table crm_conflicts (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  contact_id uuid not null references contacts(id),
  field text not null,
  product_value text,
  crm_value text,
  product_changed_at timestamptz,
  crm_changed_at timestamptz,
  run_id uuid references crm_sync_runs(id),
  status text not null default 'open' check (status in ('open', 'resolved')),
  resolution text check (resolution in ('product', 'crm')),
  resolved_by text,
  resolved_at timestamptz,
  created_at timestamptz not null default now()
);
create unique index crm_conflicts_open on crm_conflicts (contact_id, field) where status = 'open';

-- Where each attribute's current value came from (form, crm, fair, api, csv, merge) and when.
create table attribute_sources (
  contact_id uuid not null references contacts(id) on delete cascade,
  account_id uuid not null references accounts(id),
  attribute text not null,
  source text not null,
  value text,
  changed_at timestamptz not null default now(),
  primary key (contact_id, attribute)
);

-- Two contacts that may be one person, with the rule that matched and its evidence.
create table duplicate_suggestions (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  contact_a uuid not null references contacts(id) on delete cascade,
  contact_b uuid not null references contacts(id) on delete cascade,
  rule text not null check (rule in ('crm_id', 'email', 'fuzzy')),
  score numeric not null,
  evidence jsonb not null,
  status text not null default 'open' check (status in ('open', 'merged', 'dismissed')),
  decided_by text,
  decided_at timestamptz,
  created_at timestamptz not null default now(),
  check (contact_a < contact_b),
  unique (contact_a, contact_b)
);
create index duplicate_suggestions_open on duplicate_suggestions (account_id, created_at) where status = 'open';

-- Every merge, explainable afterwards: who, why (rule and evidence), the merged contact as it was, and
-- what moved to the kept one. The merged contact's row is gone; its id stays here.
create table contact_merges (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  kept_contact_id uuid not null references contacts(id),
  merged_contact_id uuid not null,
  rule text not null,
  evidence jsonb not null default '{}',
  merged_snapshot jsonb not null,
  moved jsonb not null,
  merged_by text not null,
  merged_at timestamptz not null default now()
);
create index contact_merges_kept on contact_merges (kept_contact_id);

-- CSV imports: the dry run's verdict per row is kept so the commit imports exactly what was shown.
create table contact_imports (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  status text not null check (status in ('checked', 'importing', 'imported', 'failed')),
  total int not null,
  processed int not null default 0,
  summary jsonb not null,
  rows jsonb not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  finished_at timestamptz
);
