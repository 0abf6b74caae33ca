-- A lifecycle change of a contact who was never handed over (a CRM deal won, a stage set by sales, a lead
-- qualified without a handover step) failed to fold since 021_a: its snapshot carries "handover": null, and
-- jsonb_populate_record refuses a JSON null ("cannot call populate_composite on a scalar"), so the folder set
-- the delta aside in report_fold_failures and the funnel never counted the stage. Found by the sales-cycle
-- test (session 7). The fold now reads no handover as none; the changes set aside for this reason are queued
-- again (each stage keeps the first time it was reached, so folding them late counts each once).
-- Owning module: db/report-deltas.ts.

create or replace function report_fold_lifecycle(d report_deltas) returns void language plpgsql as $$
declare
  lc lifecycle_changes := jsonb_populate_record(null::lifecycle_changes, d.snapshot);
  -- No handover yet: the snapshot says "handover": null, which jsonb_populate_record refuses (a scalar).
  h handovers := case when jsonb_typeof(d.snapshot->'handover') = 'object' then jsonb_populate_record(null::handovers, d.snapshot->'handover') end;
  st text := lc.stage;
  q int := 0;
  camp uuid;
  f record;
  sub uuid;
  already timestamptz;
begin
  if st = 'nurture' then
    if h.id is null or h.status <> 'rejected' then return; end if;
    st := 'rejected';
  end if;
  if st not in ('mql', 'sal', 'rejected', 'sql', 'opportunity', 'won', 'lost') then return; end if;
  if h.id is not null then q := h.qualification; camp := h.campaign_id; end if;
  select * into f from funnel_entries where contact_id = lc.contact_id and qualification = q for update;
  if f is null then
    if camp is null and h.id is not null and h.event_id is not null then
      select campaign_id into camp from touches where source_id = h.event_id limit 1;
    end if;
    if camp is null then
      select campaign_id into camp from touches where contact_id = lc.contact_id and not machine and occurred_at <= lc.changed_at order by occurred_at desc limit 1;
    end if;
    select subsidiary_id into sub from contacts where id = lc.contact_id;
    insert into funnel_entries (contact_id, qualification, account_id, subsidiary_id, campaign_id) values (lc.contact_id, q, lc.account_id, sub, camp)
    returning * into f;
  end if;
  already := case st when 'mql' then f.mql_at when 'sal' then f.sal_at when 'rejected' then f.rejected_at when 'sql' then f.sql_at
    when 'opportunity' then f.opportunity_at when 'won' then f.won_at when 'lost' then f.lost_at end;
  if already is not null then return; end if;
  update funnel_entries set
    mql_at = case when st = 'mql' then lc.changed_at else mql_at end,
    sal_at = case when st = 'sal' then lc.changed_at else sal_at end,
    rejected_at = case when st = 'rejected' then lc.changed_at else rejected_at end,
    sql_at = case when st = 'sql' then lc.changed_at else sql_at end,
    opportunity_at = case when st = 'opportunity' then lc.changed_at else opportunity_at end,
    won_at = case when st = 'won' then lc.changed_at else won_at end,
    lost_at = case when st = 'lost' then lc.changed_at else lost_at end,
    first_touch_at = case when st = 'won' then (select min(occurred_at) from touches where contact_id = lc.contact_id and not machine) else first_touch_at end
  where contact_id = lc.contact_id and qualification = q;
  insert into funnel_day_stats as s (account_id, campaign_id, subsidiary_id, day, stage, contacts)
  values (lc.account_id, coalesce(f.campaign_id, report_nil()), f.subsidiary_id, (lc.changed_at at time zone 'UTC')::date, st, 1)
  on conflict (campaign_id, subsidiary_id, day, stage) do update set contacts = s.contacts + 1;
end $$;

insert into report_deltas (fact, source_id, machine, snapshot)
select fact, source_id, machine, snapshot from report_fold_failures
where fact = 'lifecycle' and error like 'cannot call populate_composite on a scalar%' order by delta_id;
delete from report_fold_failures where fact = 'lifecycle' and error like 'cannot call populate_composite on a scalar%';
