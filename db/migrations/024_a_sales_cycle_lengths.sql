-- Sales-cycle lengths kept on the funnel entry (issue 11: the sales-cycle endpoint's p95 was 385 ms at
-- 33,334 won deals under load). Profiled with EXPLAIN ANALYZE: every request computed both lengths of every
-- won deal three times (date_part of won_at − mql_at and won_at − first_touch_at for two averages, two
-- medians and the histogram) and scanned the covering index twice (figures and histogram, as two queries).
-- and sorted all 33,334 rows by campaign before the per-campaign medians (EXPLAIN ANALYZE at load 12:
-- Sort 40-50 ms of a 95 ms query). Stored generated columns compute the lengths once, when won_at (or
-- mql_at / first_touch_at) is written; the covering indexes carry the two doubles instead of the timestamps;
-- a second one in campaign order feeds the per-campaign figures presorted (no Sort: 47-68 ms), while the
-- histogram reads the period index in parallel. The period is an index condition on its third column: the
-- scan reads the account's won entries of every year, filtered in the index (no heap visits).
-- Owning module: db/report-aggregates.ts (reads); the fold writes the timestamps as before.

alter table funnel_entries
  add column mql_cycle_days float8 generated always as (date_part('epoch', won_at - mql_at) / 86400) stored,
  add column touch_cycle_days float8 generated always as (date_part('epoch', won_at - first_touch_at) / 86400) stored;

drop index funnel_entries_won_cycle;
create index funnel_entries_won_cycle on funnel_entries (account_id, won_at) include (campaign_id, subsidiary_id, mql_cycle_days, touch_cycle_days) where won_at is not null;
create index funnel_entries_won_by_campaign on funnel_entries (account_id, campaign_id, won_at) include (subsidiary_id, mql_cycle_days, touch_cycle_days) where won_at is not null;
