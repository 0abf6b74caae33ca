import { WorkflowNotFoundError, type Client } from '@temporalio/client'
import { Router } from 'express'
import type { Sql } from 'postgres'
import { campaignControlSignal } from '../engine/workflows/enrolment'
import type { Caller } from './auth'
import { consent } from './contract/consent'
import { route } from './contract/mount'
import { recordAudit } from '../db/audit'
import { anonymiseContact, contactConsent, contactRecord } from '../db/contact-consent'
import { lockContact } from '../db/contacts'
import { notFound } from './errors'

/** The contact, if it exists in the caller's account and one of their subsidiaries. */
const visibleContact = (sql: Sql, who: Caller, contactId: string) => contactConsent(sql, { accountId: who.acc, contactId, subsidiaries: who.subs })

/**
 * Consent and GDPR, behind the API token: the proof of a contact's consent (which text, where, when,
 * from which address), the export of everything stored about them, and erasure (the contact is
 * anonymised, their events and visits deleted, their running enrolments stopped, and an audit row kept).
 */
export function consentRoutes(deps: { sql: Sql; client: Client; log?: (message: string) => void }): Router {
  const { sql } = deps
  const router = Router()

  route(router, consent.proof, async ({ params, who }) => {
    const contact = await visibleContact(sql, who, params.id)
    if (!contact) return notFound('contact')
    const proofs = await sql<any[]>`
      select r.purpose, r.status, r.source, r.requested_at, r.requested_ip, r.requested_user_agent, r.confirmed_at, r.confirmed_ip,
             r.confirmed_user_agent, r.submission_id, t.version as text_version, t.locale as text_locale, t.text
      from consent_records r left join consent_texts t on t.id = r.consent_text_id
      where r.contact_id = ${contact.id} order by r.confirmed_at desc`
    return {
      status: 200,
      body: {
        contactId: contact.id,
        email: contact.email,
        status: contact.consent_status,
        source: contact.consent_source,
        at: contact.consent_at,
        proofs: proofs.map((p) => ({
          purpose: p.purpose,
          status: p.status,
          source: p.source,
          submissionId: p.submission_id,
          consentText: { version: p.text_version, locale: p.text_locale, text: p.text },
          requested: { at: p.requested_at, ip: p.requested_ip, userAgent: p.requested_user_agent },
          confirmed: { at: p.confirmed_at, ip: p.confirmed_ip, userAgent: p.confirmed_user_agent },
        })),
      },
    }
  })

  route(router, consent.export, async ({ params, who, res }) => {
    const contact = await visibleContact(sql, who, params.id)
    if (!contact) return notFound('contact')
    const c = contact.id
    const profile = await contactRecord(sql, c)
    const data = {
      contact: profile!,
      events: await sql`select id, type, properties, source, occurred_at, suspected_machine from events where contact_id = ${c} order by occurred_at`,
      messages: await sql`select message_id, template, subject, status, reason, created_at, sent_at from messages where contact_id = ${c} order by created_at`,
      enrolments: await sql`select e.id, ca.name as campaign, e.status, e.exit_reason, e.started_at, e.finished_at from enrolments e join campaigns ca on ca.id = e.campaign_id where e.contact_id = ${c}`,
      formSubmissions: await sql`select fs.id, f.public_key as form, fs.fields, fs.ip, fs.user_agent, fs.created_at, fs.confirmed_at from form_submissions fs join web_forms f on f.id = fs.form_id where fs.contact_id = ${c}`,
      consentRecords: await sql`select * from consent_records where contact_id = ${c}`,
      webVisits: await sql`select v.url, v.title, v.referrer, v.occurred_at from web_visits v join web_visitors w on w.id = v.visitor_id where w.contact_id = ${c} order by v.occurred_at`,
    }
    await sql`insert into privacy_audit (account_id, contact_id, action, actor) values (${who.acc}, ${c}, 'export', ${who.sub})`
    await recordAudit(sql, { accountId: who.acc, actor: who.sub, actorName: who.name, workspace: who.workspace, action: 'contact.exported', target: c })
    res.set('Content-Disposition', `attachment; filename="contact-${c}.json"`)
    return { status: 200, body: data }
  })

  route(router, consent.erase, async ({ params, who }) => {
    const contact = await visibleContact(sql, who, params.id)
    if (!contact) return notFound('contact')
    const c = contact.id
    const counts = await sql.begin(async (sql) => {
      await lockContact(sql, c)
      const visits = await sql`delete from web_visits where visitor_id in (select id from web_visitors where contact_id = ${c})`
      await sql`delete from web_visitors where contact_id = ${c}`
      await sql`update enrolments set trigger_event_id = null where contact_id = ${c}`
      // The rows leave at once (so nothing counts them as running); their workflows are stopped after the commit.
      const stopped = await sql<{ workflow_id: string }[]>`
        update enrolments set status = 'exited', exit_reason = 'erased', finished_at = now(), current_node_id = null
        where contact_id = ${c} and status = 'active' returning workflow_id`
      // Score changes and handovers keep their figures (reporting counts them) but no longer name the event.
      await sql`update score_changes set event_id = null where contact_id = ${c}`
      await sql`update handovers set event_id = null where contact_id = ${c}`
      const events = await sql`delete from events where contact_id = ${c}`
      await sql`update messages set recipient = null, subject = null where contact_id = ${c}`
      await sql`update form_submissions set ip = null, user_agent = null, fields = '{}' where contact_id = ${c}`
      // The edit history holds the old values: it goes with them.
      await sql`delete from contact_history where contact_id = ${c}`
      await sql`update consent_records set requested_ip = null, requested_user_agent = null, confirmed_ip = null, confirmed_user_agent = null where contact_id = ${c}`
      await anonymiseContact(sql, c)
      const details = { eventsDeleted: events.count, visitsDeleted: visits.count, enrolmentsStopped: stopped.length }
      await recordAudit(sql, { accountId: who.acc, actor: who.sub, actorName: who.name, workspace: who.workspace, action: 'contact.erased', target: c, details })
      const [audit] = await sql<{ id: string }[]>`
        insert into privacy_audit (account_id, contact_id, action, actor, details) values (${who.acc}, ${c}, 'erase', ${who.sub}, ${sql.json(details)}) returning id`
      return { details, auditId: audit!.id, workflowIds: stopped.map((row) => row.workflow_id) }
    })
    const notStopped = await stopEnrolments(deps, counts.workflowIds)
    if (notStopped.length) {
      // The rows say "erased" and consent is revoked, so the send path mails nobody; the audit says which still ran.
      await sql`update privacy_audit set details = details || ${sql.json({ enrolmentsNotSignalled: notStopped })} where id = ${counts.auditId}`
    }
    return { status: 200, body: { erased: true as const, contactId: c, ...counts.details, ...(notStopped.length ? { enrolmentsNotSignalled: notStopped } : {}) } }
  })

  return router
}

/**
 * Ends the erased contact's enrolment workflows the way a stopped campaign ends them (the campaignControl
 * signal: the running step is cancelled and the workflow finishes at once, its row already closed).
 * Returns the workflow ids that could not be told; a finished workflow needs nothing.
 */
async function stopEnrolments(deps: { client: Client; log?: (message: string) => void }, workflowIds: string[]): Promise<string[]> {
  const failed: string[] = []
  for (const workflowId of workflowIds) {
    try {
      await deps.client.workflow.getHandle(workflowId).signal(campaignControlSignal, { action: 'stop' })
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) continue
      deps.log?.(`erase: enrolment ${workflowId} not stopped: ${error}`)
      failed.push(workflowId)
    }
  }
  return failed
}
