-- Companies behind the same wall as contacts (issue 12, after migration 014's contacts policy). In a scoped
-- request (kessler_scoped with kessler.account/workspace/subsidiaries, db/workspaces.ts withContactScope) a
-- company is visible when someone of the caller's pool works there, or when it belongs to a subsidiary the
-- caller works for (a company nobody is linked to yet). Workers and system code set nothing and are allowed,
-- as for contacts; kessler_scoped without settings sees nothing. Owning module: db/companies.ts.

create or replace function kessler_sees_company(company_account uuid, company_id uuid, company_subsidiary uuid) returns boolean
language sql stable as $$
  select case
    when coalesce(current_setting('kessler.account', true), '') = '' then current_user <> 'kessler_scoped'
    when company_account::text <> current_setting('kessler.account', true) then false
    when coalesce(current_setting('kessler.workspace', true), '') = '' and coalesce(current_setting('kessler.subsidiaries', true), '*') = '*' then true
    -- The subquery on contacts is itself under contacts_scope: only the caller's pool counts.
    when exists (select 1 from contacts c where c.company_id = kessler_sees_company.company_id) then true
    when coalesce(current_setting('kessler.workspace', true), '') <> '' then exists (
      select 1 from workspaces w join subsidiaries s on s.account_id = w.account_id and s.code = w.subsidiary_code
      where w.id::text = current_setting('kessler.workspace', true) and s.id = company_subsidiary)
    else exists (
      select 1 from subsidiaries s
      where s.id = company_subsidiary and s.code = any(string_to_array(current_setting('kessler.subsidiaries', true), ',')))
  end
$$;

alter table companies enable row level security;
alter table companies force row level security;
drop policy if exists companies_scope on companies;
create policy companies_scope on companies using (kessler_sees_company(account_id, id, subsidiary_id))
  with check (kessler_sees_company(account_id, id, subsidiary_id));
