import { Router } from 'express'
import type { Sql } from 'postgres'
import { recordAudit } from '../db/audit'
import { contactConsent } from '../db/contact-consent'
import { contactProfileHead, contactsForExport } from '../db/contact-pool'
import { mergeContacts, openSuggestions, openSuggestionsOf, scanLookAlikes } from '../db/duplicates'
import { opportunitiesOfContact } from '../db/opportunities'
import { scoreContact } from '../engine/scoring/score-contact'
import type { Caller } from './auth'
import { contactDoubleOptInRoutes, type DoubleOptInDeps } from './contact-double-opt-in'
import { checkImport, commitImport, summarise } from './contact-import'
import { contactData } from './contract/contact-data'
import { route } from './contract/mount'
import { notFound } from './errors'

// The contact's 360° profile, the duplicates view with merge and the pool scan, CSV import (dry run,
// commit, progress) and CSV export; all within the caller's subsidiaries. Declared in ./contract/contact-data.

export function contactProfileRoutes(deps: DoubleOptInDeps): Router {
  const { sql } = deps
  const router = Router()
  contactDoubleOptInRoutes(router, deps)

  const visibleContact = (who: Caller, id: string) => contactConsent(sql, { accountId: who.acc, contactId: id, subsidiaries: who.subs })

  route(router, contactData.profile, async ({ params, who }) => {
    const found = await visibleContact(who, params.id)
    if (!found) return notFound('contact')
    const id = found.id
    const contact = await contactProfileHead(sql, id)
    const [provenance, consent, scores, timeline, campaigns, handovers, duplicates, merges, crm, score] = await Promise.all([
      sql`select attribute, source, value, changed_at as "changedAt" from attribute_sources where contact_id = ${id} order by attribute`,
      sql`select id, purpose, status, source, confirmed_at as "at", requested_at as "requestedAt", consent_text_id as "consentTextId", submission_id is not null as "doubleOptIn" from consent_records where contact_id = ${id} order by confirmed_at desc`,
      sql`select changed_at as "at", cause, profile_after as "profile", activity_after as "activity", profile_points::float as "profilePoints", activity_points::float as "activityPoints" from score_changes where contact_id = ${id} order by changed_at, id`,
      sql`select id, type, properties, source, occurred_at as "occurredAt" from events where contact_id = ${id} order by occurred_at desc limit 100`,
      sql`select e.id, g.name as campaign, g.kind, e.status, e.started_at as "startedAt", e.finished_at as "finishedAt",
            (select coalesce(json_agg(json_build_object('node', st.node_id, 'at', st.entered_at, 'output', st.output) order by st.entered_at), '[]') from enrolment_steps st where st.enrolment_id = e.id) as path
          from enrolments e join campaigns g on g.id = e.campaign_id where e.contact_id = ${id} order by e.started_at desc`,
      sql`select h.id, h.cell, h.status, h.crm_status as "crmStatus", h.created_at as "createdAt", r.name as rep from handovers h left join sales_reps r on r.id = h.rep_id where h.contact_id = ${id} order by h.created_at desc`,
      openSuggestionsOf(sql, id),
      sql`select id, merged_contact_id as "mergedContactId", rule, evidence, merged_snapshot->>'email' as "mergedEmail", moved, merged_by as "mergedBy", merged_at as "mergedAt" from contact_merges where kept_contact_id = ${id} order by merged_at desc`,
      sql`select object_type as "type", crm_id as "crmId", crm_updated_at as "crmUpdatedAt", pushed_at as "pushedAt" from crm_links where contact_id = ${id}`,
      sql`select profile_grade as grade, activity_level as level, scored_at as "scoredAt" from contact_scores where contact_id = ${id}`,
    ])
    // The last double opt-in mail asked for (by a form or from this profile) and where it stands.
    const [consentRequest] = await sql<{ status: string; at: Date; form: string }[]>`
      select fs.confirmation_status as status, coalesce(fs.confirmation_sent_at, fs.created_at) as at, f.name as form
      from form_submissions fs join web_forms f on f.id = fs.form_id
      where fs.contact_id = ${id} and fs.consent_text_id is not null order by fs.created_at desc limit 1`
    const opportunities = await opportunitiesOfContact(sql, who.acc, id)
    return { status: 200, body: {
      contact,
      score: score[0] ?? null,
      provenance,
      consent,
      // A contact without consent (from the CRM, an import, an event) can be asked for it with a double
      // opt-in mail; one who unsubscribed cannot, and granted consent needs no asking.
      offerDoubleOptIn: contact.consentStatus === 'none' || contact!.consentStatus === 'pending',
      consentRequest: consentRequest ? { status: consentRequest.status, at: consentRequest.at.toISOString(), form: consentRequest.form } : null,
      scoreHistory: scores,
      timeline,
      campaigns,
      handovers,
      opportunities: opportunities.map((o) => ({ id: o.id, name: o.name, stage: o.stage, crmStage: o.crm_stage, amount: Number(o.amount_net), products: o.products, closedOn: o.closed_on, source: o.source })),
      duplicates,
      merges,
      crm,
    } as never }
  })

  route(router, contactData.duplicates, async ({ who }) => {
    const rows = await openSuggestions(sql, who.acc, who.subs)
    return { status: 200, body: { suggestions: rows as never } }
  })

  // Look-alikes across the whole pool, not only when a contact arrives: new suggestions for a person.
  route(router, contactData.scan, async ({ who }) => ({ status: 200, body: await scanLookAlikes(sql, who.acc) }))

  // Keeps `keep`, moves everything of the other onto it, rescores, logs why (contact_merges and the audit log).
  route(router, contactData.merge, async ({ params, body, who, req }) => {
    const [suggestion] = await sql<{ contact_a: string; contact_b: string; rule: string; score: string; evidence: Record<string, unknown> }[]>`
      select contact_a, contact_b, rule, score, evidence from duplicate_suggestions where id = ${params.id} and account_id = ${who.acc} and status = 'open'`
    if (!suggestion) return notFound('open duplicate suggestion')
    if (body.keep !== suggestion.contact_a && body.keep !== suggestion.contact_b) return { status: 400, code: 'invalid_input', field: 'keep', message: 'keep: one of the two contacts of the suggestion' }
    if (!(await visibleContact(who, suggestion.contact_a)) || !(await visibleContact(who, suggestion.contact_b))) return notFound('open duplicate suggestion')
    const mergedId = body.keep === suggestion.contact_a ? suggestion.contact_b : suggestion.contact_a
    const result = await mergeContacts(sql, { accountId: who.acc, keptId: body.keep, mergedId, rule: suggestion.rule, evidence: { ...suggestion.evidence, score: Number(suggestion.score), confirmedBy: who.sub }, actor: who.sub, audit: { actorName: who.name, workspace: who.workspace, ip: req.ip } })
    if (!result) return notFound('contact')
    await scoreContact(sql, { accountId: who.acc, contactId: result.keptContactId, cause: 'attribute_change' })
    return { status: 200, body: { merge: result } }
  })

  route(router, contactData.dismiss, async ({ params, who }) => {
    const rows = await sql`update duplicate_suggestions set status = 'dismissed', decided_by = ${who.sub}, decided_at = now() where id = ${params.id} and account_id = ${who.acc} and status = 'open' returning id`
    if (!rows.length) return notFound('open duplicate suggestion')
    return { status: 200, body: { dismissed: params.id } }
  })

  // The dry run: every row's verdict, stored for the commit.
  route(router, contactData.checkImport, async ({ body, who }) => {
    const checked = await checkImport(sql, who.acc, body)
    if (!checked.ok) return { status: 400, code: 'invalid_csv', field: checked.field, message: checked.message }
    const summary = summarise(checked.rows)
    const [row] = await sql<{ id: string }[]>`
      insert into contact_imports (account_id, status, total, summary, rows, created_by)
      values (${who.acc}, 'checked', ${checked.rows.length}, ${sql.json(summary)}, ${sql.json(checked.rows as never)}, ${who.sub}) returning id`
    const toImport = checked.rows.filter((r) => r.verdict === 'new' || r.verdict === 'updated' || (r.verdict === 'duplicate' && r.duplicateOf)).length
    return { status: 201, body: { import: { id: row!.id, status: 'checked' as const, summary, toImport, rows: checked.rows.map((r) => ({ line: r.line, verdict: r.verdict, reason: r.reason ?? null, reasonCode: r.reasonCode ?? null, reasonValues: r.reasonValues ?? {}, email: r.values.email })) } } }
  })

  // Imports what the dry run showed, all or nothing.
  route(router, contactData.commitImport, async ({ params, who }) => {
    const outcome = await commitImport(sql, { importId: params.id, accountId: who.acc, actor: who.sub })
    if (!outcome.ok) return { status: 409, code: 'import_not_committed', message: outcome.message }
    return { status: 200, body: { imported: outcome.imported } }
  })

  // Progress for the progress bar.
  route(router, contactData.importProgress, async ({ params, who }) => {
    const [row] = await sql`select id, status, total, processed, summary, created_at as "createdAt", finished_at as "finishedAt" from contact_imports where id = ${params.id} and account_id = ${who.acc}`
    if (!row) return notFound('import')
    return { status: 200, body: { import: row as never } }
  })

  // The caller's subsidiaries, one row per contact.
  route(router, contactData.exportCsv, async ({ who, req, res }) => {
    const rows = await contactsForExport(sql, who.acc, who.subs)
    // Personal data leaving the product: who took how many contacts of which subsidiaries, in the audit log.
    await recordAudit(sql, { accountId: who.acc, actor: who.sub, actorName: who.name, workspace: who.workspace, action: 'contacts.exported_csv', target: 'contacts.csv', details: { contacts: rows.length, subsidiaries: who.subs }, ip: req.ip })
    const cell = (value: string | null) => (value === null ? '' : /[",\n;]/.test(value) || /^[=+\-@]/.test(value) ? `"${value.replace(/^([=+\-@])/, "'$1").replace(/"/g, '""')}"` : value)
    const header = 'email,first_name,last_name,company,subsidiary,postal_code,lifecycle_stage,consent_status,consent_source'
    res.type('text/csv').attachment('contacts.csv').send([header, ...rows.map((r) => [r.email, r.first_name, r.last_name, r.company, r.subsidiary, r.postal_code, r.lifecycle_stage, r.consent_status, r.consent_source].map(cell).join(','))].join('\r\n') + '\r\n')
    return undefined
  })

  return router
}
