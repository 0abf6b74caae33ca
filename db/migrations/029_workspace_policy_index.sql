-- The contacts policy looked a workspace's members up by `workspace_id::text = setting`: the cast kept
-- Postgres from using workspace_contacts' primary key on workspace_id, so every visible contact cost a
-- scan of all members, quadratic in the pool (a FR preview over 100,000 members ran for minutes; the
-- mailing benchmark found it). Comparing as uuid lets each check be one index probe. The function stays
-- for whoever calls it; the policy itself now says the same inline (below), so it is not a function call
-- per row: the members are read once into a hash and each contact is one probe of it (a scoped scan of
-- 100,000 contacts went from about 4 s to well under one).
create or replace function kessler_sees_contact(contact_account uuid, contact_id uuid, contact_subsidiary uuid) returns boolean
language sql stable as $$
  select case
    when coalesce(current_setting('kessler.account', true), '') = '' then current_user <> 'kessler_scoped'
    when contact_account::text <> current_setting('kessler.account', true) then false
    when coalesce(current_setting('kessler.workspace', true), '') <> '' then exists (
      select 1 from workspace_contacts wc
      where wc.workspace_id = nullif(current_setting('kessler.workspace', true), '')::uuid and wc.contact_id = kessler_sees_contact.contact_id)
    when coalesce(current_setting('kessler.subsidiaries', true), '*') = '*' then true
    else exists (
      select 1 from subsidiaries s
      where s.id = contact_subsidiary and s.code = any(string_to_array(current_setting('kessler.subsidiaries', true), ',')))
  end
$$;

drop policy contacts_scope on contacts;
create policy contacts_scope on contacts
  using (
    case
      when coalesce(current_setting('kessler.account', true), '') = '' then current_user <> 'kessler_scoped'
      when account_id::text <> current_setting('kessler.account', true) then false
      when coalesce(current_setting('kessler.workspace', true), '') <> '' then id in (
        select wc.contact_id from workspace_contacts wc where wc.workspace_id = nullif(current_setting('kessler.workspace', true), '')::uuid)
      when coalesce(current_setting('kessler.subsidiaries', true), '*') = '*' then true
      else subsidiary_id in (
        select s.id from subsidiaries s where s.code = any(string_to_array(current_setting('kessler.subsidiaries', true), ',')))
    end)
  with check (kessler_sees_contact(account_id, id, subsidiary_id));

-- Workspace members were recomputed over the whole pool before every scoped request (5 s at 100,000
-- contacts under load). Now a request only looks at contacts whose pool-relevant columns changed since
-- the previous refresh; pool_changed_at marks them (set here, not by the writers, so none can forget),
-- and the full recomputation runs when the alias changes and every few minutes (db/workspaces.ts).
alter table contacts add column pool_changed_at timestamptz not null default now();
create index contacts_pool_changed on contacts (account_id, pool_changed_at);

create function contacts_mark_pool_change() returns trigger
language plpgsql as $$
begin
  if tg_op = 'INSERT' or (new.attributes, new.tags, new.consent_status, new.subsidiary_id)
      is distinct from (old.attributes, old.tags, old.consent_status, old.subsidiary_id) then
    new.pool_changed_at := clock_timestamp();
  end if;
  return new;
end
$$;
create trigger contacts_pool_change before insert or update on contacts
  for each row execute function contacts_mark_pool_change();

alter table workspaces add column members_refreshed_at timestamptz;
alter table workspaces add column members_full_at timestamptz;
