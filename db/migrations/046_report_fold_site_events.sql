-- A tracking feed is mostly visits: `POST /api/events` in batches stores thousands a second, and each one
-- queues a delta that the fold took on its own, in PL/pgSQL: 27 µs per visit no campaign is credited with
-- (reading the event back, crediting a campaign, dispatching through three functions; psql, 10,000 visits),
-- about a third of what storing it costs (bench: ingestion, session 16). Now a run of consecutive deltas of website events (visit,
-- form, download, fair scan: the events that can only become a touch, never a mail statistic) is folded in
-- one statement.
--
-- The result is the one the fold one by one gives. Such an event's campaign comes from its own properties or
-- from the contact's last human click touch before it (report_campaign_of_event); a click is never in such a
-- run, so no event of a run can depend on a touch the same run writes, and the run's touches are inserted in
-- delta order, so their triggers (a lead's first touch, the day's figures) see them in that order. Every
-- other delta ends the run before it, and is folded as before.

create function report_fold_site_events(ids bigint[]) returns void language sql as $$
  insert into touches (account_id, contact_id, subsidiary_id, campaign_id, node_id, message_id, kind, machine, source_id, occurred_at)
  select e.account_id, e.contact_id, c.subsidiary_id, credit.campaign_id, e.properties->>'nodeId', e.properties->>'messageId', e.type, d.machine, e.id, e.occurred_at
  from report_deltas d
  join events e on e.id = d.source_id
  cross join lateral (select report_campaign_of_event(e.account_id, e.contact_id, e.type, e.properties, e.occurred_at) as campaign_id) credit
  left join contacts c on c.id = e.contact_id
  where d.id = any(ids) and credit.campaign_id is not null
  order by d.id
  on conflict (source_id, kind) do nothing
$$;

create or replace function report_fold(max_rows int) returns int language plpgsql as $$
declare
  d record;
  done bigint[] := '{}';
  run bigint[] := '{}';
begin
  if not pg_try_advisory_xact_lock(727311) then return -1; end if;
  perform report_fold_batches();
  for d in
    select r.id, r.fact, r.source_id, r.machine, r.snapshot, e.type as event_type
    from report_deltas r left join events e on r.fact = 'event' and e.id = r.source_id
    order by r.id limit max_rows
  loop
    if d.fact = 'event' and d.event_type in ('visit', 'form', 'download', 'fair_scan') then
      run := run || d.id;
    else
      if cardinality(run) > 0 then
        perform report_fold_site_events(run);
        run := '{}';
      end if;
      perform report_fold_delta(row(d.id, d.fact, d.source_id, d.machine, d.snapshot)::report_deltas);
    end if;
    done := done || d.id;
  end loop;
  if cardinality(run) > 0 then
    perform report_fold_site_events(run);
  end if;
  perform report_fold_flush();
  -- Planned on each call (migration 043).
  execute 'delete from report_deltas where id = any($1)' using done;
  return coalesce(array_length(done, 1), 0);
end $$;
