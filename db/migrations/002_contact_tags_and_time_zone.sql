-- Tags and time zones: what the condition, update-contact and wait-until steps read and write.

-- Free labels that campaigns set ("onboarded", "webinar-2026") and branch on. A plain array on the
-- contact keeps "has tag" a single-row read; the GIN index serves "every contact with tag X" (segments).
alter table contacts add column tags text[] not null default '{}';
create index contacts_tags on contacts using gin (tags);

-- The zone of the contact's clock (IANA name, e.g. Europe/Lisbon) when it differs from their
-- subsidiary's; null means "the subsidiary's". Send windows and date waits are read on this clock.
alter table contacts add column time_zone text;

-- Each subsidiary's zone; null means the headquarters' (Europe/Berlin). New accounts set it when their
-- subsidiaries are created; existing ones get their country's zone here.
alter table subsidiaries add column time_zone text;
update subsidiaries set time_zone = case code
    when 'DE' then 'Europe/Berlin'
    when 'FR' then 'Europe/Paris'
    when 'IT' then 'Europe/Rome'
    when 'ES' then 'Europe/Madrid'
  end
where code in ('DE', 'FR', 'IT', 'ES');
