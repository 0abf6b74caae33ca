-- HQ may refuse a subsidiary's mailing that awaits its approval, saying why: the mailing goes back to
-- draft and the subsidiary's marketer reads who refused it and the reason until HQ approves a later version.
alter table mailings add column if not exists refused_by text;
alter table mailings add column if not exists refused_at timestamptz;
alter table mailings add column if not exists refusal_reason text;
