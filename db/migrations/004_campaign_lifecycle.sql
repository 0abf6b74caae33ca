-- Campaign lifecycle and the rules that hold across campaigns.

-- A goal reached (e.g. a purchase while in nurture) ends the enrolment as converted and is recorded once.
alter table enrolments drop constraint enrolments_status_check;
alter table enrolments add constraint enrolments_status_check check (status in ('active', 'completed', 'exited', 'converted'));

create table conversions (
  enrolment_id uuid not null references enrolments(id),
  goal_node_id text not null,
  account_id uuid not null references accounts(id),
  campaign_id uuid not null references campaigns(id),
  contact_id uuid not null references contacts(id),
  event_id uuid references events(id),
  converted_at timestamptz not null default now(),
  primary key (enrolment_id, goal_node_id)
);
create index conversions_campaign on conversions (campaign_id, converted_at);

-- How many marketing mails one contact may get in any rolling seven days, across all campaigns; mail
-- over the cap waits for the next free slot instead of being dropped.
alter table accounts add column frequency_cap_per_week int not null default 5 check (frequency_cap_per_week > 0);

-- The output each step took (branch, split arm), written when the next step is entered: what the live
-- view's branch split and the A/B report count.
alter table enrolment_steps add column output text;

-- The frequency cap counts a contact's recent mail; this keeps that count an index lookup.
create index messages_contact_recent on messages (contact_id, created_at) where status in ('pending', 'sending', 'sent', 'unknown');
