import type { Sql } from 'postgres'
import { scoreContact } from '../engine/scoring/score-contact'
import { contactIdsAfter, countContactsOfAccountRow } from '../db/contacts'

const PAGE_SIZE = 200

/**
 * Rescores the next page of the job's contacts (id order after the job's cursor) and moves the cursor and
 * the done count in one compare-and-set, so a retried page neither skips nor double-counts. Side effect:
 * contact_scores and score_changes (cause: the job's kind). Returns finished once no contact is left.
 */
export async function rescorePage(sql: Sql, input: { jobId: string }): Promise<{ finished: boolean }> {
  const [job] = await sql<{ account_id: string; kind: 'model_change' | 'decay'; cursor: string | null; status: string }[]>`
    select account_id, kind, cursor, status from scoring_jobs where id = ${input.jobId}`
  if (!job || job.status !== 'running') return { finished: true }
  const page = await contactIdsAfter(sql, job.account_id, job.cursor, PAGE_SIZE)
  for (const { id } of page) await scoreContact(sql, { accountId: job.account_id, contactId: id, cause: job.kind })
  if (page.length === 0) {
    await sql`update scoring_jobs set status = 'done', finished_at = now(), done = greatest(done, total) where id = ${input.jobId} and status = 'running'`
    return { finished: true }
  }
  await sql`
    update scoring_jobs set cursor = ${page.at(-1)!.id}, done = done + ${page.length}
    where id = ${input.jobId} and cursor is not distinct from ${job.cursor}::uuid`
  return { finished: false }
}

/** Creates today's decay job for every account (total = its contacts); returns their ids. */
export async function createDecayJobs(sql: Sql): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    insert into scoring_jobs (account_id, kind, model_version, total)
    select a.id, 'decay', coalesce((select max(version) from scoring_models m where m.account_id = a.id), 0),
           ${countContactsOfAccountRow(sql)}
    from accounts a returning id`
  return rows.map((row) => row.id)
}
