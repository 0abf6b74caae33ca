-- A bulk enrolment job whose workflow gave up (a non-retryable error) says so, with the reason,
-- instead of showing "running" for ever.
alter table enrolment_jobs drop constraint enrolment_jobs_status_check;
alter table enrolment_jobs add constraint enrolment_jobs_status_check check (status in ('pending', 'running', 'done', 'failed'));
alter table enrolment_jobs add column failure text;
