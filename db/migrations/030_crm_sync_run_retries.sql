-- Issue 12: a sync run says how often the CRM made it wait. "rate_limited" while the CRM answers 429 (it
-- asked us to slow down), "retrying" while it is down or answers 5xx; the counts stay on the run once it is
-- through, so a run that got everything but needed eleven retries says so. `pages` counts the pages the
-- run committed: after a worker crash it goes on from the page it was on, which this makes visible.
alter table crm_sync_runs add column retries int not null default 0;
alter table crm_sync_runs add column rate_limited int not null default 0;
alter table crm_sync_runs add column pages int not null default 0;
alter table crm_sync_runs drop constraint crm_sync_runs_status_check;
alter table crm_sync_runs add constraint crm_sync_runs_status_check check (status in ('running', 'rate_limited', 'retrying', 'done', 'failed'));
