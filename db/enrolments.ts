import type { ISql, Sql } from 'postgres'
import type { SendWindow } from '../engine/nodes/zoned-time'
import { campaignFairJoin } from './fairs'

// Enrolments (one contact's run through one campaign version) as the campaign's live view reads them,
// with their contact, its subsidiary and the version number. `subsidiaries` are the codes the caller
// sees ('*': all).

const ofSubsidiaries = (sql: ISql, subsidiaries: '*' | string[]) => (subsidiaries === '*' ? (sql as Sql)`` : (sql as Sql)`and s.code = any(${subsidiaries})`)

/** An enrolment as the campaign's list shows it. */
export interface EnrolmentListRow {
  id: string
  status: 'active' | 'completed' | 'exited' | 'converted'
  current_node_id: string | null
  exit_reason: string | null
  started_at: Date
  finished_at: Date | null
  version: number
  contact_id: string
  email: string
  first_name: string | null
  last_name: string | null
  subsidiary: string
}

/** The campaign's latest enrolments, optionally waiting at one step or of one status. */
export function campaignEnrolments(sql: ISql, input: { accountId: string; campaignId: string; subsidiaries: '*' | string[]; step?: string; status?: string; limit: number }) {
  const q = sql as Sql
  return q<EnrolmentListRow[]>`
    select e.id, e.status, e.current_node_id, e.exit_reason, e.started_at, e.finished_at, v.version,
           c.id as contact_id, c.email, c.first_name, c.last_name, s.code as subsidiary
    from enrolments e
    join contacts c on c.id = e.contact_id
    join subsidiaries s on s.id = c.subsidiary_id
    join campaign_versions v on v.id = e.version_id
    where e.campaign_id = ${input.campaignId} and e.account_id = ${input.accountId}
      ${ofSubsidiaries(sql, input.subsidiaries)}
      ${input.step ? q`and e.current_node_id = ${input.step}` : q``}
      ${input.status ? q`and e.status = ${input.status}` : q``}
    order by e.started_at desc limit ${input.limit}`
}

/** Per step of the campaign: passes by output, enrolments waiting there now, and enrolments by status (optionally of one version). */
export async function stepCounts(sql: ISql, input: { campaignId: string; subsidiaries: '*' | string[]; version?: number }) {
  const q = sql as Sql
  const scope = q`
    from enrolments e
    join contacts c on c.id = e.contact_id
    join subsidiaries s on s.id = c.subsidiary_id
    join campaign_versions v on v.id = e.version_id
    where e.campaign_id = ${input.campaignId}
      ${ofSubsidiaries(sql, input.subsidiaries)}
      ${input.version ? q`and v.version = ${input.version}` : q``}`
  const [passes, waiting, statuses] = await Promise.all([
    q<{ node_id: string; output: string | null; n: number }[]>`
      select st.node_id, st.output, count(*)::int as n from enrolment_steps st join (select e.id ${scope}) x on x.id = st.enrolment_id
      group by st.node_id, st.output`,
    q<{ node_id: string; n: number }[]>`select e.current_node_id as node_id, count(*)::int as n ${scope} and e.status = 'active' and e.current_node_id is not null group by e.current_node_id`,
    q<{ status: string; n: number }[]>`select e.status, count(*)::int as n ${scope} group by e.status`,
  ])
  return { passes, waiting, statuses }
}

/** One enrolment of the account (every column) with its contact's address, subsidiary and version number; null when there is none. */
export async function enrolmentWithContact(sql: ISql, accountId: string, enrolmentId: string) {
  const [row] = await (sql as Sql)`
    select e.*, s.code as subsidiary, c.email, v.version from enrolments e
    join contacts c on c.id = e.contact_id join subsidiaries s on s.id = c.subsidiary_id
    join campaign_versions v on v.id = e.version_id
    where e.id = ${enrolmentId} and e.account_id = ${accountId}`
  return row ?? null
}

// What a campaign's send step reads (activities/send-campaign-email.ts).

/** The recipient of a send: contact, subsidiary (sender, language, time zone), campaign state, the pinned templates and what an earlier attempt left. */
export interface RecipientRow {
  email: string
  first_name: string | null
  last_name: string | null
  salutation: 'mr' | 'ms' | 'none' | null
  company: string | null
  attributes: Record<string, unknown>
  consent_status: string
  subsidiary_code: string
  subsidiary_locale: string
  subsidiary_name: string
  sender_name: string
  sender_email: string
  trigger_properties: Record<string, unknown> | null
  campaign_status: 'draft' | 'live' | 'paused' | 'stopped'
  frequency_cap_per_week: number
  send_window: SendWindow | null
  time_zone: string | null
  subsidiary_time_zone: string | null
  template_pins: Record<string, number> | null
  /** The campaign version the enrolment runs, and the account's template generation (migration 044): templates/template-store.ts setAt keeps the versions they render with. */
  template_version_id: string
  template_generation: string
  /** A hard bounce (or soft bounces over the threshold) made the address undeliverable. */
  undeliverable: boolean
  earlier_status: string | null
  earlier_reason: string | null
  fair_id: string | null
  fair_name: string | null
  fair_place: string | null
  fair_stand: string | null
  fair_starts_on: string | null
  fair_ends_on: string | null
}

/** The send's recipient in one round trip (with the message an earlier attempt logged under messageId); null when the enrolment or its contact is gone. */
export async function sendRecipient(sql: ISql, input: { enrolmentId: string; accountId: string; messageId: string }): Promise<RecipientRow | null> {
  const [row] = await (sql as Sql)<RecipientRow[]>`
    select c.email, c.first_name, c.last_name, c.salutation, c.company, c.attributes, c.consent_status,
           s.code as subsidiary_code, s.locale as subsidiary_locale, s.name as subsidiary_name,
           s.sender_name, s.sender_email, e.properties as trigger_properties,
           ca.status as campaign_status, a.frequency_cap_per_week, a.send_window, c.time_zone, s.time_zone as subsidiary_time_zone,
           cv.template_pins, m.status as earlier_status, m.reason as earlier_reason, c.undeliverable_at is not null as undeliverable,
           en.version_id as template_version_id, coalesce(tg.generation, 0)::text as template_generation,
           f.id as fair_id, f.name as fair_name, f.place as fair_place, f.stand as fair_stand, f.starts_on as fair_starts_on, f.ends_on as fair_ends_on
    from enrolments en
    left join campaign_versions cv on cv.id = en.version_id
    join contacts c on c.id = en.contact_id
    join subsidiaries s on s.id = c.subsidiary_id
    join campaigns ca on ca.id = en.campaign_id
    join accounts a on a.id = en.account_id
    left join events e on e.id = en.trigger_event_id
    left join template_generations tg on tg.account_id = en.account_id
    -- What an earlier attempt of this send left in the log, read in the same round trip.
    left join messages m on m.message_id = ${input.messageId}
    -- The fair the campaign invites to (or is the campaign of), for an invitation's {{ fair.bookingUrl }}.
    ${campaignFairJoin(sql as Sql, 'en.campaign_id')}
    where en.id = ${input.enrolmentId} and en.account_id = ${input.accountId}`
  return row ?? null
}

/**
 * Consent, deliverability and campaign state as they are now, and the message's status in the send log
 * (one statement): why a 'sending' mark was refused (activities/send-campaign-email.ts).
 */
export async function sendState(sql: ISql, input: { contactId: string; campaignId: string; messageId: string }) {
  const [row] = await (sql as Sql)<{ consent_status: string; undeliverable: boolean; campaign_status: RecipientRow['campaign_status']; message_status: string | null }[]>`
    select c.consent_status, c.undeliverable_at is not null as undeliverable, ca.status as campaign_status,
           (select status from messages where message_id = ${input.messageId}) as message_status
    from contacts c, campaigns ca
    where c.id = ${input.contactId} and ca.id = ${input.campaignId}`
  return row ?? null
}
