-- The delta insert on the hot path at half its cost (issue 11: ingestion with the aggregation 0.74-0.82× of
-- without, goal ≥ 0.8×). EXPLAIN ANALYZE of 10,000 opens inserted in one statement: the report_on_event
-- trigger took 51-100 µs a row, and without report_deltas' CHECK (fact in (...)) 28-39 µs. Each trigger call
-- runs its insert as a new statement through SPI, which prepares the table's check expressions afresh for
-- every row. An enum type says the same (only these facts) and is checked by the type's input function,
-- with nothing to prepare: 30-48 µs a row (the check, interleaved in the same runs: 51-72 µs). The trigger functions write the same literals; the failures
-- table keeps text. Owning module: db/report-deltas.ts.

create type report_fact as enum ('event', 'event_flagged', 'message_sent', 'enrolment', 'handover', 'lifecycle', 'conversion');
alter table report_deltas drop constraint report_deltas_fact_check;
alter table report_deltas alter column fact type report_fact using fact::report_fact;
