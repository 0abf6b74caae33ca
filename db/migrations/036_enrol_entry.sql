-- One contact's entry into a campaign in one round trip (engine/enrol.ts enrolContact, the dispatcher's
-- and the scans' path). Profiled at 50 enrolments in flight, the four round trips of the entry transaction
-- (begin; lock and reads; insert; commit) held a connection of the app's pool of 8 for each enrolment, and
-- enrolments queued on the pool for a quarter of their time. The rules are the same as before: a
-- transaction-scoped advisory lock per campaign and contact (engine/enrol-batch.ts takes the same key),
-- then each read as its own statement, so it sees what was committed before the lock was granted
-- (plpgsql takes a new snapshot per statement under read committed).
create function enrol_entry(
  p_account uuid, p_campaign uuid, p_version uuid, p_contact uuid, p_workflow_id text, p_trigger_event uuid,
  p_occasion text, p_re_entry text, p_cool_down_ms bigint
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
  return query select v_id, p_version, true, false, v_before, null::text;
end
$$;
