-- Revenue that closes the loop: opportunities and orders, whether they come from the CRM sync, the API or
-- a CSV import. Reporting attributes won revenue to campaigns; the CRM connector keeps them in step with
-- the CRM. One owning module: db/opportunities.ts.
create table opportunities (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  subsidiary_id uuid not null references subsidiaries(id),
  -- The contact the deal is with; null when the CRM names an account company only.
  contact_id uuid references contacts(id),
  company text,
  name text not null,
  -- Net amount in EUR (the product reports in one currency; a conversion belongs in the importer).
  amount_net numeric(14, 2) not null default 0 check (amount_net >= 0),
  -- Production cost of what was sold, so ROI uses real margins; null = not known (reported as such).
  production_cost numeric(14, 2) check (production_cost is null or production_cost >= 0),
  products jsonb not null default '[]',
  stage text not null default 'open' check (stage in ('open', 'won', 'lost')),
  -- The CRM's own stage name ("Negotiation", "CLOSED WON"), kept verbatim for the people who know it.
  crm_stage text,
  created_on timestamptz not null default now(),
  closed_on timestamptz,
  -- Where it came from, and its id there: a second import or sync of the same record updates it.
  source text not null check (source in ('crm', 'api', 'csv')),
  source_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (stage <> 'open' or closed_on is null)
);
create unique index opportunities_source on opportunities (account_id, source, source_id) where source_id is not null;
create index opportunities_contact on opportunities (contact_id);
create index opportunities_closed on opportunities (account_id, stage, closed_on);

-- Production cost per product, for opportunities that name products but no cost of their own.
create table product_costs (
  account_id uuid not null references accounts(id),
  product text not null,
  -- Share of the net price that production costs (0.45 = 45 %).
  cost_ratio numeric(5, 4) not null check (cost_ratio >= 0 and cost_ratio <= 1),
  primary key (account_id, product)
);
