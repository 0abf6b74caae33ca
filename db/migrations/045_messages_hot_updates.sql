-- A campaign mail's row in the send log is written three times: inserted pending (the frequency-cap slot),
-- updated to sending before its final "." and to sent after the relay's answer. Both updates wrote a whole
-- new entry into each of the table's five indexes, because `status` sits in the predicates of two partial
-- indexes, and Postgres keeps an update "heap-only" (no index entries, the new version on the same page)
-- only when no indexed column, predicates included, changes and the page has room. In a benchmark of the
-- two updates alone (pgbench, 4 clients, session 16) they took 0.061 and 0.063 ms each with these indexes
-- and 0.028 and 0.040 ms with the ones below, every update heap-only.
--
-- So the indexes below leave `status` to the queries that use them, which filter it on the few rows an
-- index range holds: a contact's mails of the last week (the frequency cap, db/messages.ts and 037), a
-- campaign's mails (unresolvedMessages). And each page keeps a fifth free for the versions the updates
-- write, so they find room beside the row (pages written from now on).

alter table messages set (fillfactor = 80);

drop index messages_contact_recent;
create index messages_contact_recent on messages (contact_id, created_at);

drop index messages_unresolved;
create index messages_campaign on messages (campaign_id, created_at);
