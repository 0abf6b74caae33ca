import type { ISql, Sql } from 'postgres'

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
