-- A campaign mail's frequency-cap slot in one round trip (activities/send-campaign-email.ts, db/messages.ts
-- claimSendSlot). It was a client-side transaction of five round trips (begin, contact lock, count, insert,
-- commit). The count must be a statement of its own after the lock: a single statement's snapshot is taken
-- before its lock is granted, so it would miss a mail another send committed while this one waited, and
-- the cap would not hold across concurrent sends. In a (volatile) PL/pgSQL function each statement takes a
-- fresh snapshot under read committed, so the lock, the count and the insert keep their order and meaning
-- in one call, one implicit transaction and one commit.
-- Returns null when the slot was taken (the pending row exists, also when it existed already), else when
-- the oldest of the contact's last cap mails turns a week old and the next slot frees up.
create or replace function claim_send_slot(
  p_contact uuid, p_cap int, p_account uuid, p_enrolment uuid, p_campaign uuid, p_node text, p_visit int,
  p_message_id text, p_template text, p_recipient text
) returns timestamptz language plpgsql volatile as $$
declare
  recent int;
  oldest timestamptz;
begin
  perform 1 from contacts where id = p_contact for update;
  select count(*), min(created_at) into recent, oldest from (
    select created_at from messages
    where contact_id = p_contact and status in ('pending', 'sending', 'sent', 'unknown') and created_at > now() - interval '7 days'
    order by created_at desc limit p_cap) last_mails;
  if recent >= p_cap then
    return oldest + interval '7 days';
  end if;
  insert into messages (account_id, enrolment_id, contact_id, campaign_id, node_id, visit, message_id, template, recipient)
  values (p_account, p_enrolment, p_contact, p_campaign, p_node, p_visit, p_message_id, p_template, p_recipient)
  on conflict (enrolment_id, node_id, visit) do nothing;
  return null;
end
$$;
