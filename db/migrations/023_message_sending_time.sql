-- When a message was last marked 'sending' (its final "." about to go to the relay). A retry that finds a
-- message still 'sending' asks the relay whether it accepted the Message-ID (db/messages.ts), but only
-- once no attempt can still be waiting for the relay's answer: that is measured from this time.
alter table messages add column if not exists sending_at timestamptz;

-- Set by the database, so every sender (campaign steps, mailings) records it without knowing of it.
create or replace function messages_sending_at() returns trigger language plpgsql as $$
begin
  if new.status = 'sending' then
    new.sending_at := clock_timestamp();
  end if;
  return new;
end
$$;
create trigger messages_sending_at before insert or update of status on messages
  for each row when (new.status = 'sending') execute function messages_sending_at();

-- What the API lists as mail whose delivery nobody could confirm.
create index if not exists messages_unresolved on messages (campaign_id, created_at) where status in ('unknown', 'sending');
