-- enrol_entry (migration 036) also records the trigger's step of the enrolment it creates (visit 1), so the
-- enrolment's workflow need not: before, the first workflow task of every enrolment ran a step-record
-- local activity (one round trip and a marker event) before it could schedule the first mail, and at 50
-- starts in flight those tasks took over 5 s at load 20 (session 10). The enrolment's workflow skips the record when its input
-- says the entry recorded it (engine/workflows/enrolment.ts, input.triggerStepRecorded). The batch path
-- (db/enrolment-entry.ts insertBatchEntries) does the same in its insert. p_trigger_node null: no step row.
drop function enrol_entry(uuid, uuid, uuid, uuid, text, uuid, text, text, bigint);

create function enrol_entry(
  p_account uuid, p_campaign uuid, p_version uuid, p_contact uuid, p_workflow_id text, p_trigger_event uuid,
  p_occasion text, p_re_entry text, p_cool_down_ms bigint, p_trigger_node text
) returns table (enrolment_id uuid, version_id uuid, active boolean, repeated boolean, entered_before boolean, skipped text)
language plpgsql volatile as $$
#variable_conflict use_column
declare
  v_earlier record;
  v_active boolean;
  v_before boolean;
  v_cooling boolean;
  v_id uuid;
begin
  perform pg_advisory_xact_lock(hashtextextended('enrol:' || p_campaign::text || ':' || p_contact::text, 0));
  -- This occasion enrolled the contact before (a retry, a second scan, a repeated request).
  select o.enrolment_id, e.version_id, e.status into v_earlier
    from trigger_occasions o join enrolments e on e.id = o.enrolment_id
    where o.campaign_id = p_campaign and o.contact_id = p_contact and o.occasion = p_occasion;
  if found then
    return query select v_earlier.enrolment_id, v_earlier.version_id, v_earlier.status = 'active', true, true, null::text;
    return;
  end if;
  if not exists (select 1 from contacts c where c.id = p_contact and c.account_id = p_account) then
    return query select null::uuid, null::uuid, false, false, false, 'unknown_contact'::text;
    return;
  end if;
  select coalesce(bool_or(e.status = 'active'), false), count(*) > 0,
         coalesce(max(e.started_at) > now() - p_cool_down_ms * interval '1 millisecond', false)
    into v_active, v_before, v_cooling
    from enrolments e where e.campaign_id = p_campaign and e.contact_id = p_contact;
  if v_active then
    return query select null::uuid, null::uuid, false, false, v_before, 'already_in_campaign'::text;
    return;
  elsif v_before and p_re_entry = 'never' then
    return query select null::uuid, null::uuid, false, false, v_before, 're_entry_never'::text;
    return;
  elsif v_cooling and p_re_entry = 'after' then
    return query select null::uuid, null::uuid, false, false, v_before, 'cooling_down'::text;
    return;
  end if;
  insert into enrolments (account_id, campaign_id, version_id, contact_id, workflow_id, trigger_event_id)
    values (p_account, p_campaign, p_version, p_contact, p_workflow_id, p_trigger_event)
    on conflict (campaign_id, contact_id) where status = 'active' do nothing
    returning id into v_id;
  -- The lock makes this unreachable, but the index is the last word on "one active enrolment".
  if v_id is null then
    return query select null::uuid, null::uuid, false, false, v_before, 'already_in_campaign'::text;
    return;
  end if;
  insert into trigger_occasions (campaign_id, contact_id, occasion, account_id, enrolment_id)
    values (p_campaign, p_contact, p_occasion, p_account, v_id);
  -- The trigger's step, entered now. current_node_id stays null until the workflow records a step: the
  -- trigger scans read null as "its workflow may not have started" (activities/trigger-scan.ts).
  if p_trigger_node is not null then
    insert into enrolment_steps (enrolment_id, node_id, visit, account_id) values (v_id, p_trigger_node, 1, p_account);
  end if;
  return query select v_id, p_version, true, false, v_before, null::text;
end
$$;
