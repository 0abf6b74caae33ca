import type { Transporter } from 'nodemailer'
import type { Sql } from 'postgres'
import type { DeepLConfig } from '../templates/deepl'
import type { TemplateIssue } from '../templates/template-errors'
import type { TemplateRenderer } from '../templates/renderer'
import type { TemplateStore } from '../templates/template-store'
import type { TemplateKind, TemplateSet } from '../templates/template-set'
import type { Caller } from './auth'
import type { ApiError } from './errors'
import { mayEditTemplate } from './permissions'

export interface TemplateApiDeps {
  sql: Sql
  renderer: TemplateRenderer
  templateStore?: TemplateStore
  /** The real SMTP transport, for test sends. */
  mailer?: Transporter
  deepl?: DeepLConfig | null
  /** PUBLIC_URL when configured: self-hosted font URLs are given under it. */
  publicUrl?: string
}

/** URL segment → kind: /api/templates/masters/corporate, /subsidiaries/fr, /mails/…, /blocks/…, /locales/fr. */
export const KIND_BY_SEGMENT: Record<string, TemplateKind> = { masters: 'master', subsidiaries: 'subsidiary', mails: 'mail', blocks: 'block', locales: 'locale' }
export const SEGMENT_BY_KIND = Object.fromEntries(Object.entries(KIND_BY_SEGMENT).map(([segment, kind]) => [kind, segment])) as Record<TemplateKind, string>
export { TEMPLATE_KEY } from './contract/templates'

/** The account's newest template versions (the built-in files for an account never seeded). */
export async function currentSet(deps: TemplateApiDeps, accountId: string, pins: Record<string, number> | null = null): Promise<TemplateSet> {
  return (await deps.templateStore?.set(accountId, pins)) ?? deps.renderer.builtIn
}

/**
 * Who may save a version: HQ marketers everything; a subsidiary's marketer only that subsidiary's
 * derived template (its overrides), never the master, mails, blocks or locale strings shared by all.
 * The refusal, or null when the caller may.
 */
export function editRefusal(who: Caller, kind: TemplateKind, key: string): ApiError | null {
  if (mayEditTemplate(who, kind, key)) return null
  const what = kind === 'subsidiary' ? `the ${key.toUpperCase()} subsidiary's template` : `${kind} templates`
  return { status: 403, code: 'forbidden', message: `you may not edit ${what}${kind === 'subsidiary' ? ' (only its own marketers and HQ may)' : ' (only HQ marketers may)'}` }
}

/** 422 with every problem and its position; the first one is the message. */
export function templateInvalid(issues: TemplateIssue[]): ApiError {
  const first = issues[0]!
  const where = [first.field, first.region && `region ${first.region}`, `line ${first.line}, column ${first.column}`].filter(Boolean).join(', ')
  return { status: 422, code: 'template_invalid', field: first.field, message: `${where}: ${first.message}`, issues }
}
