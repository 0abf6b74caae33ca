-- A tracked click is signalled to the contact's waiting enrolments by the tracking route itself, right
-- after it is stored; the dispatcher's round then hands the same event on. The route records here which
-- enrolments' workflows its signal reached, so the round does not signal them again (each repeat cost the
-- enrolment a workflow task while its next mail was being sent). Null: the route signalled no one (a
-- scanner's click, an API event, or Temporal was unreachable), and the round signals as it always did.
alter table events add column if not exists signalled_workflow_ids text[];
