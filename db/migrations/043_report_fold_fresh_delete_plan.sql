-- report_fold deleted the deltas it had folded with a plan PL/pgSQL cached on the function's first calls,
-- when report_deltas was nearly empty: a sequential scan testing every queued delta against the array of
-- folded ids (up to 2,000). Once a burst of events had queued thousands of deltas, each fold spent
-- 330-400 ms of the database's CPU on that delete (bench: ingestion, auto_explain), and event batches
-- slowed to a third. The delete is now planned on each call, so it sees the queue as it is (an index scan
-- of the folded ids, about 5 ms for 2,000 among 8,000 queued).
create or replace function report_fold(max_rows int) returns int language plpgsql as $$
declare
  d report_deltas;
  done bigint[] := '{}';
begin
  if not pg_try_advisory_xact_lock(727311) then return -1; end if;
  perform report_fold_batches();
  for d in select * from report_deltas order by id limit max_rows loop
    perform report_fold_delta(d);
    done := done || d.id;
  end loop;
  perform report_fold_flush();
  execute 'delete from report_deltas where id = any($1)' using done;
  return coalesce(array_length(done, 1), 0);
end $$;
