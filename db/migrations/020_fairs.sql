-- Trade fairs (issue 17): the fair with its stand and reps on duty, the reps' bookable slots, booked
-- meetings (with the confirmation mail's state), and what reps capture at the stand. Owning module:
-- db/fairs.ts (fairs, fair_reps, fair_slots, fair_meetings) and db/fair-captures.ts (fair_captures,
-- fair_capture_ids).

-- A fair belongs to a campaign: its costs are that campaign's cost items (campaign_costs, category
-- "fair") and its visits are that campaign's touches, so reporting's ROI covers it without a new path.
create table fairs (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  subsidiary_id uuid not null references subsidiaries(id),
  campaign_id uuid not null references campaigns(id),
  name text not null,
  place text not null,
  stand text not null,
  starts_on date not null,
  ends_on date not null check (ends_on >= starts_on),
  -- Where the fair is: slots and the .ics are written in its local time.
  time_zone text not null default 'Europe/Berlin',
  -- Opening hours of the stand, local time, for the booking page.
  opens_at time not null default '09:00',
  closes_at time not null default '18:00',
  -- The web form whose double opt-in consent collected at the stand runs through (the usual consent path).
  web_form_id uuid references web_forms(id),
  created_at timestamptz not null default now()
);
create index fairs_account on fairs (account_id, starts_on);

-- The reps on duty at the stand (users, mostly with the sales rep role).
create table fair_reps (
  fair_id uuid not null references fairs(id) on delete cascade,
  user_id uuid not null references users(id),
  primary key (fair_id, user_id)
);

-- Meeting slots of a rep at the stand; a slot is booked at most once (fair_meetings.slot_id unique).
create table fair_slots (
  id uuid primary key default gen_random_uuid(),
  fair_id uuid not null references fairs(id) on delete cascade,
  user_id uuid not null references users(id),
  starts_at timestamptz not null,
  ends_at timestamptz not null check (ends_at > starts_at),
  unique (fair_id, user_id, starts_at)
);

-- A booked meeting. The confirmation mail goes pending → sending → sent like campaign mail, so a retry
-- after a crash mid-send records "unknown" instead of mailing twice. held_at: the rep scanned the visitor.
create table fair_meetings (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  fair_id uuid not null references fairs(id) on delete cascade,
  slot_id uuid not null unique references fair_slots(id),
  contact_id uuid not null references contacts(id),
  booked_at timestamptz not null default now(),
  confirmation_status text not null default 'pending' check (confirmation_status in ('pending', 'sending', 'sent', 'failed', 'unknown')),
  confirmation_message_id text,
  confirmation_sent_at timestamptz,
  held_at timestamptz
);
create unique index fair_meetings_contact on fair_meetings (fair_id, contact_id);

-- One visitor of a fair as the stand knows them: at most one row per fair and contact, whichever rep and
-- device captured them. `fields` holds each captured field as {"value", "at", "by"}: a sync keeps, field by
-- field, the value with the later "at", so reps editing the same visitor offline merge instead of overwrite.
create table fair_captures (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts(id),
  fair_id uuid not null references fairs(id) on delete cascade,
  contact_id uuid not null references contacts(id),
  -- scan: from a QR code (booked visitors); form: the quick capture form.
  source text not null check (source in ('scan', 'form')),
  fields jsonb not null default '{}',
  -- Consent collected at the stand: text version and locale shown, who, on which device, when; and the
  -- form submission whose double opt-in mail it started.
  consent jsonb,
  consent_submission_id uuid references form_submissions(id),
  handover_id uuid references handovers(id),
  first_captured_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (fair_id, contact_id)
);

-- Every client-generated capture id ever synced, and the visitor row it went into: a capture synced twice
-- (a lost answer, a second tab) is recognised here and stored once.
create table fair_capture_ids (
  client_id uuid primary key,
  capture_id uuid not null references fair_captures(id) on delete cascade,
  synced_by text not null,
  device text,
  synced_at timestamptz not null default now()
);

-- The fair's visits reach reporting as `fair_scan` events (touch kind fair_scan, which reporting already
-- counts), recorded beside fair_visit by the sync (fairs/sync.ts); no reporting function changes here.
