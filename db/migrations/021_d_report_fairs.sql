-- Fairs (issue 16): a visit at the stand reaches reporting as a `fair_scan` event beside its `fair_visit`
-- (fairs/sync.ts), so fair_visit is not credited (it would count each visitor twice). An earlier version of
-- migration 020 replaced the writers' event trigger with one that did the touch work itself; on a database
-- that applied it after 021_a, this puts the one-insert delta trigger and the fold of 021_a back.
create or replace function report_on_event() returns trigger language plpgsql as $$
begin
  insert into report_deltas (fact, source_id, machine) values ('event', new.id, new.suspected_machine);
  return null;
end $$;
drop trigger report_on_event on events;
create trigger report_on_event after insert on events for each row
  when (new.type in ('open', 'click', 'form', 'download', 'visit', 'fair_scan', 'unsubscribe', 'bounce', 'complaint'))
  execute function report_on_event();

create or replace function report_fold_event(d report_deltas) returns void language plpgsql as $$
declare
  e events;
  k text;
begin
  select * into e from events where id = d.source_id;
  if e.id is null then return; end if;
  k := case e.type when 'open' then 'open' when 'click' then 'click' when 'form' then 'form' when 'download' then 'download'
    when 'visit' then 'visit' when 'fair_scan' then 'fair_scan' end;
  if k is not null then
    perform report_record_touch(e.account_id, e.contact_id, report_campaign_of_event(e.account_id, e.contact_id, k, e.properties, e.occurred_at),
      e.properties->>'nodeId', e.properties->>'messageId', k, d.machine, e.id, e.occurred_at);
  end if;
  if e.type in ('open', 'click', 'unsubscribe', 'bounce', 'complaint') and e.properties ? 'messageId' then
    perform report_mail_event(e.type, e.properties, d.machine, e.occurred_at, false);
  end if;
end $$;
