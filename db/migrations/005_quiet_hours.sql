-- When marketing mail may reach a contact, on the contact's own clock (their time zone, else their
-- subsidiary's): e.g. {"days": ["mon","tue","wed","thu","fri"], "from": "08:00", "until": "18:00"}.
-- Mail due outside it waits for the next opening. Null (the default) means any time.
alter table accounts add column send_window jsonb;
