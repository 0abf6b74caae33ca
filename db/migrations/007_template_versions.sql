-- Templates in the database: masters, subsidiary (derived) templates, mail templates, content blocks and
-- locale strings, each as immutable numbered versions per account. The repo's templates/ files are the
-- built-in content, loaded as versions by "built-in" when an account has none or the files changed.
create table template_versions (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  kind text not null check (kind in ('master', 'subsidiary', 'mail', 'block', 'locale')),
  -- master name, lower-case subsidiary code, mail id, block id, or locale code
  key text not null check (key ~ '^[A-Za-z0-9][A-Za-z0-9_-]*$'),
  version int not null check (version > 0),
  content jsonb not null,
  created_by text not null,
  note text,
  created_at timestamptz not null default now(),
  unique (account_id, kind, key, version)
);

-- A saved version never changes: published campaigns pin versions and must keep sending what was checked.
create function refuse_template_version_change() returns trigger language plpgsql as $$
begin
  raise exception 'template versions are immutable; save a new version instead';
end $$;
create trigger template_versions_immutable before update on template_versions
  for each row execute function refuse_template_version_change();

-- What a published campaign version renders with: {"mail:onboarding-welcome": 3, "master:corporate": 2, …},
-- taken at publish. A template kind/key not named (added later) renders its newest version.
alter table campaign_versions add column template_pins jsonb;
