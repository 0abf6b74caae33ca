-- Companies (a CRM's accounts) as records of their own (issue 12): synced both ways with the CRM's
-- accounts and linked to the contacts who work there. Owning module: db/companies.ts.

-- One company per name and account (the CRM keeps account names unique per organisation as well), in the
-- subsidiary of its country (HQ otherwise), like a contact that arrives from the CRM.
create table companies (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  subsidiary_id uuid not null references subsidiaries(id),
  name text not null,
  website text,
  industry text,
  phone text,
  city text,
  postal_code text,
  country text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index companies_name on companies (account_id, lower(name));

-- The company a contact works for. The free-text contacts.company stays (forms and imports fill it);
-- company_id is the record behind it once a CRM account or the outbound sync settled which one it is.
alter table contacts add column company_id uuid references companies(id);
create index contacts_company on contacts (company_id) where company_id is not null;

-- A CRM account's link points at a company (a person's link at a contact).
alter table crm_links add column company_id uuid references companies(id);
create unique index crm_links_company on crm_links (account_id, company_id) where company_id is not null;
