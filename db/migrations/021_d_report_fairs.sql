-- Fairs (issue 16, migration 020) record a visit at the stand as a "fair_visit" event, credited as a
-- fair_scan touch. 020 wrote that into the writers' trigger of 015; the trigger only queues a delta now
-- (021_a), so the mapping moves into the fold, and the trigger queues fair visits too. (Whichever of 020 and
-- 021_a a database got first, this runs after both.)
create or replace function report_on_event() returns trigger language plpgsql as $$
begin
  insert into report_deltas (fact, source_id, machine) values ('event', new.id, new.suspected_machine);
  return null;
end $$;
drop trigger report_on_event on events;
create trigger report_on_event after insert on events for each row
  when (new.type in ('open', 'click', 'form', 'download', 'visit', 'fair_scan', 'fair_visit', 'unsubscribe', 'bounce', 'complaint'))
  execute function report_on_event();

create or replace function report_fold_event(d report_deltas) returns void language plpgsql as $$
declare
  e events;
  k text;
begin
  select * into e from events where id = d.source_id;
  if e.id is null then return; end if;
  k := case e.type when 'open' then 'open' when 'click' then 'click' when 'form' then 'form' when 'download' then 'download'
    when 'visit' then 'visit' when 'fair_scan' then 'fair_scan' when 'fair_visit' then 'fair_scan' end;
  if k is not null then
    perform report_record_touch(e.account_id, e.contact_id, report_campaign_of_event(e.account_id, e.contact_id, k, e.properties, e.occurred_at),
      e.properties->>'nodeId', e.properties->>'messageId', k, d.machine, e.id, e.occurred_at);
  end if;
  if e.type in ('open', 'click', 'unsubscribe', 'bounce', 'complaint') and e.properties ? 'messageId' then
    perform report_mail_event(e.type, e.properties, d.machine, e.occurred_at, false);
  end if;
end $$;
