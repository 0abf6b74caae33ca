import type { Router } from 'express'
import type { ISql, Sql } from 'postgres'
import { recordAudit } from '../db/audit'
import { addressTakenByOther, editableContact, writeContactEdit, type EditableContactRow } from '../db/contact-pool'
import { lockContact } from '../db/contacts'
import { recordProvenance } from '../db/duplicates'
import { contactHistory, recordContactChange, withContactScope, type ContactScope } from '../db/workspaces'
import type { Caller } from './auth'
import { contacts } from './contract/contacts'
import { route } from './contract/mount'
import { notFound } from './errors'

// One contact, opened and edited from wherever the caller works. There is one record: an edit from the
// French workspace changes the global contact, and its history says who, from which workspace, when.

export const scopeOf = (who: Caller): ContactScope => ({ accountId: who.acc, workspace: who.workspace, subsidiaries: who.subs })

/** The explicit filter (condition on `contacts c`): the workspace's pool alias, else the caller's subsidiaries. */
export function poolFilter(sql: ISql, who: Caller) {
  if (who.workspace) {
    return sql`exists (select 1 from workspace_contacts wc join workspaces w on w.id = wc.workspace_id
      where w.account_id = ${who.acc} and w.subsidiary_code = ${who.workspace} and wc.contact_id = c.id)`
  }
  if (who.subs === '*') return sql`true`
  return sql`exists (select 1 from subsidiaries ss where ss.id = c.subsidiary_id and ss.code = any(${who.subs}::text[]))`
}

type ContactRecord = EditableContactRow

const COLUMNS: Record<'email' | 'firstName' | 'lastName' | 'company' | 'salutation', keyof ContactRecord> = { email: 'email', firstName: 'first_name', lastName: 'last_name', company: 'company', salutation: 'salutation' }

const view = (c: ContactRecord) => ({
  id: c.id,
  email: c.email,
  firstName: c.first_name,
  lastName: c.last_name,
  company: c.company,
  salutation: c.salutation,
  locale: c.locale,
  subsidiary: c.subsidiary,
  attributes: c.attributes,
  tags: c.tags,
  consent: c.consent_status,
})

const emailTaken = () => ({ status: 409 as const, code: 'email_taken', field: 'email', message: 'email: another contact has this address; merge the two under Duplicates' })

export function contactEditRoutes(router: Router, sql: Sql): void {
  const find = (sql: ISql, who: Caller, id: string) => editableContact(sql, who.acc, id, poolFilter(sql, who))

  route(router, contacts.open, async ({ params, who }) => {
    const found = await withContactScope(sql, scopeOf(who), async (sql) => {
      const contact = await find(sql, who, params.id)
      return contact ? { contact, history: await contactHistory(sql, contact.id) } : null
    })
    if (!found) return notFound('contact')
    return {
      status: 200,
      body: {
        contact: view(found.contact),
        history: found.history.map((h) => ({ at: h.at, by: h.actor, byName: h.actor_name, workspace: h.workspace, changes: h.changes })),
      },
    }
  })

  route(router, contacts.edit, async ({ params, body: change, who, req }) => {
    // An address that already belongs to another contact (in any pool, hence asked outside the scope): one
    // person twice, which a merge settles; the edit would otherwise make a second identity collide.
    if (change.email) {
      if (await addressTakenByOther(sql, who.acc, change.email, params.id)) return emailTaken()
    }
    const result = await withContactScope(sql, scopeOf(who), async (sql) => {
      await lockContact(sql, params.id)
      const before = await find(sql, who, params.id)
      if (!before) return null
      const changes: Record<string, { from: unknown; to: unknown }> = {}
      const columns: Record<string, unknown> = {}
      for (const [field, column] of Object.entries(COLUMNS) as [keyof typeof COLUMNS, keyof ContactRecord][]) {
        const to = change[field]
        if (to === undefined || to === before[column]) continue
        changes[field] = { from: before[column], to }
        columns[column] = to
      }
      // A new company name leaves the company record behind it (migration 022) to be settled again by name.
      if ('company' in columns) columns.company_id = null

      const attributes = { ...before.attributes }
      for (const [name, to] of Object.entries(change.attributes ?? {})) {
        const from = before.attributes[name] ?? null
        if (JSON.stringify(from) === JSON.stringify(to)) continue
        changes[`attributes.${name}`] = { from, to }
        if (to === null) delete attributes[name]
        else attributes[name] = to
      }
      if (!Object.keys(changes).length) return { contact: before, changes }
      await writeContactEdit(sql, before.id, columns, attributes)
      // Where each value came from, and when: the CRM sync's "most recent change wins" compares these times.
      for (const [field, column] of Object.entries(COLUMNS)) {
        if (column in columns && field !== 'salutation') await recordProvenance(sql, { accountId: who.acc, contactId: before.id, attribute: field, source: 'api', value: (columns[column] as string | null) ?? null })
      }
      await recordContactChange(sql, { accountId: who.acc, contactId: before.id, actor: who.sub, actorName: who.name, workspace: who.workspace, changes })
      await recordAudit(sql, { accountId: who.acc, actor: who.sub, actorName: who.name, workspace: who.workspace, action: 'contact.edited', target: before.email, details: { contactId: before.id, changes }, ip: req.ip })
      const after = await find(sql, who, before.id)
      return { contact: after ?? before, changes }
    }).catch((error: { code?: string; constraint_name?: string }) => {
      // The same address given to another contact at this very moment.
      if (error.code === '23505') return 'taken' as const
      throw error
    })
    if (result === 'taken') return emailTaken()
    if (!result) return notFound('contact')
    return { status: 200, body: { contact: view(result.contact), changes: result.changes } }
  })
}
