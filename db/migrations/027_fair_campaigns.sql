-- Campaigns that invite to a trade fair (issue 17). An invitation's {{ fair.* }} variables and its signed
-- booking link name the fair its campaign belongs to: the fair's own campaign (fairs.campaign_id) or a
-- campaign linked here. Before, the mail took the contact's subsidiary's next fair, so with two fairs of
-- one subsidiary every invitation booked the earlier one. A campaign invites to at most one fair.
-- Owning module: db/fairs.ts.
create table fair_campaigns (
  campaign_id uuid primary key references campaigns(id),
  fair_id uuid not null references fairs(id) on delete cascade,
  account_id uuid not null references accounts(id),
  linked_by text not null,
  linked_at timestamptz not null default now()
);
create index fair_campaigns_fair on fair_campaigns (fair_id);
