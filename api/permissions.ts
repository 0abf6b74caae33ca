import type { Caller, Role } from './auth'

// The one permission table. Every API route names a permission in its contract (api/contract/*.ts) and
// the route helper (api/contract/mount.ts) asks `may` before the handler runs; the finer rules that
// depend on the data (which subsidiary a contact or template belongs to) are the functions below it.
// A row says which roles may, and whether the caller must see every subsidiary (HQ, `subs: '*'`).

interface Rule {
  /** The roles that may, or '*' for every signed-in caller. */
  roles: readonly Role[] | '*'
  /** 'hq': only callers who see every subsidiary. */
  scope?: 'hq'
  /** What a refused caller is told (403). */
  refusal: string
}

const MARKETERS = ['admin', 'marketer'] as const
const SALES = ['admin', 'sales', 'manager'] as const
const everyone = (what: string): Rule => ({ roles: '*', refusal: `you may not ${what}` })

export const PERMISSIONS = {
  'me.read': everyone('read who you are'),
  'campaigns.read': everyone('read campaigns'),
  'campaigns.author': { roles: MARKETERS, scope: 'hq', refusal: 'only HQ marketers edit, publish, pause, resume and stop campaigns' },
  'campaigns.simulate': everyone('simulate campaigns'),
  'enrolments.read': everyone('read enrolments'),
  'enrolments.enrol': { roles: MARKETERS, refusal: 'only marketers enrol contacts by hand' },
  'events.send': everyone('send events'),
  'contacts.read': everyone('read contacts'),
  'contacts.export': { roles: ['admin', 'marketer', 'manager'], refusal: 'only admins, marketers and managers export personal data' },
  'contacts.erase': { roles: MARKETERS, refusal: 'only admins and marketers erase contacts' },
  'consent.read': everyone('read consent'),
  'segments.read': everyone('read segments'),
  'segments.author': { roles: MARKETERS, scope: 'hq', refusal: 'only HQ marketers create, change and delete segments' },
  'personas.read': everyone('read personas'),
  'personas.author': { roles: MARKETERS, scope: 'hq', refusal: 'only HQ marketers create and change personas' },
  'scoring.read': everyone('read the scoring model'),
  'scoring.author': { roles: MARKETERS, scope: 'hq', refusal: 'only HQ marketers change the scoring model' },
  'leads.read': everyone('read leads'),
  'leads.stage': { roles: SALES, refusal: 'only sales record sales stages' },
  'handovers.read': everyone('read handovers'),
  'handovers.decide': { roles: SALES, refusal: 'only sales (reps, managers) accept or reject handovers' },
  'templates.read': everyone('read templates'),
  // Which templates: every one for HQ, a subsidiary's own derived template for its marketers (mayEditTemplate).
  'templates.edit': { roles: MARKETERS, refusal: 'only marketers edit templates' },
  'templates.test-send': { roles: MARKETERS, refusal: 'only marketers send test mails' },
  'forms.manage': { roles: MARKETERS, refusal: 'only marketers and admins manage forms' },
  'consent-texts.read': { roles: MARKETERS, refusal: 'only marketers and admins manage consent texts' },
  // Texts are shared by every subsidiary's forms, so only someone who sees them all writes a new version.
  'consent-texts.write': { roles: MARKETERS, scope: 'hq', refusal: "only HQ marketers and admins add consent text versions (every subsidiary's forms show them)" },
  // Mailings: which ones is the data's rule (the caller sees the mailing's subsidiary: api/mailings.ts loadMailing).
  'mailings.read': everyone('read mailings'),
  'mailings.write': { roles: MARKETERS, refusal: 'only marketers compose, translate and test-send mailings' },
  'mailings.send': { roles: MARKETERS, refusal: 'only marketers schedule, pause, resume and cancel mailings' },
  // HQ may require its approval before a subsidiary's mailing goes out (accounts.mailing_approval_required).
  'mailings.approve': { roles: MARKETERS, scope: 'hq', refusal: 'only HQ marketers approve mailings' },
  // Reporting (api/reports.ts, api/costs.ts, api/opportunities.ts): figures are narrowed to the caller's subsidiaries.
  'reports.read': { roles: ['admin', 'manager', 'marketer'], refusal: 'sales reps see their own pipeline: GET /api/reports/pipeline' },
  'reports.pipeline': everyone('read the sales pipeline'),
  'costs.write': { roles: ['admin', 'manager', 'marketer'], refusal: 'only marketers and managers enter and import costs' },
  'budgets.write': { roles: ['admin', 'manager', 'marketer'], scope: 'hq', refusal: 'only HQ marketers and managers set budgets' },
  'opportunities.write': { roles: SALES, refusal: 'only sales and managers record and import deals' },
  // A change re-attributes every won deal of the account, so only someone who sees every subsidiary.
  'attribution.configure': { roles: ['admin', 'manager', 'marketer'], scope: 'hq', refusal: 'only HQ marketers and managers change attribution settings and production costs' },
} as const satisfies Record<string, Rule>

export type Permission = keyof typeof PERMISSIONS

/** Whether the caller's role (and scope) allows the permission; the data-dependent rules are below. */
export function may(who: Caller, permission: Permission): boolean {
  const rule: Rule = PERMISSIONS[permission]
  if (rule.roles !== '*' && !rule.roles.includes(who.role)) return false
  return rule.scope !== 'hq' || who.subs === '*'
}

export const refusal = (permission: Permission): string => PERMISSIONS[permission].refusal

/** A subsidiary's data (contacts, forms, enrolments) is visible to HQ and to callers of that subsidiary. */
export const seesSubsidiary = (who: Caller, code: string) => who.subs === '*' || who.subs.includes(code)

/** HQ-wide work (authoring and publishing campaigns) needs a marketer or admin who sees every subsidiary. */
export const authorsCampaigns = (who: Caller) => may(who, 'campaigns.author')

/**
 * Saving a template version: HQ marketers everything; a subsidiary's marketer only that subsidiary's
 * derived template (its overrides), never the master, mails, blocks or locale strings shared by all.
 */
export function mayEditTemplate(who: Caller, kind: string, key: string): boolean {
  if (!may(who, 'templates.edit')) return false
  if (who.subs === '*') return true
  return kind === 'subsidiary' && seesSubsidiary(who, key.toUpperCase())
}
