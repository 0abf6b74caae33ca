import type { ISql, Sql } from 'postgres'
import type { SegmentFilter } from '../engine/segment-filter'
import { scopeCondition, segmentCondition } from './segments'

// Enrolment jobs' rows (enrolment_job_items): a segment's members or a CSV upload's lines, each enrolled
// once and given its outcome. `subsidiaries` are the requester's ('*': all), so nobody enrols a contact
// they could not see.

/** Fills a segment job with the segment's members now, one row per contact in id order. */
export async function addSegmentMembers(sql: ISql, job: { id: string; account_id: string; subsidiaries: string[] | null }, filter: SegmentFilter): Promise<void> {
  await (sql as Sql)`
    insert into enrolment_job_items (job_id, line, email, contact_id)
    select ${job.id}, row_number() over (order by c.id), c.email, c.id
    from contacts c
    where c.account_id = ${job.account_id} and (${segmentCondition(sql, filter)})
      and ${scopeCondition(sql, job.subsidiaries ?? '*')}`
}

/** A job row to enrol: its line and contact (null when a CSV line names no contact the requester sees). */
export interface JobItemRow {
  line: number
  contact_id: string | null
}

/** The next open rows after a line; a CSV line's address is resolved to its contact now. */
export function openJobItems(sql: ISql, job: { id: string; account_id: string; source: string; subsidiaries: string[] | null }, after: number, limit: number) {
  const q = sql as Sql
  return job.source === 'csv'
    ? q<JobItemRow[]>`
        select i.line, c.id as contact_id from enrolment_job_items i
        left join contacts c on c.account_id = ${job.account_id} and lower(c.email) = lower(i.email)
          and ${scopeCondition(sql, job.subsidiaries ?? '*')}
        where i.job_id = ${job.id} and i.outcome is null and i.line > ${after}
        order by i.line limit ${limit}`
    : q<JobItemRow[]>`
        select line, contact_id from enrolment_job_items
        where job_id = ${job.id} and outcome is null and line > ${after}
        order by line limit ${limit}`
}
