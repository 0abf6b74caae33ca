import { createHash } from 'node:crypto'
import type { ISql, Sql } from 'postgres'
import { CrmRefused, type CrmAccount, type CrmAdapter, type CrmCursor, type CrmRecord } from '../crm/adapter'
import { attachCompaniesByName, companiesToPush, companyByName, companyFields, createCompany, updateCompany, type CompanyFields, type CompanyRow } from '../db/companies'
import { saveLinkedCompany, type CrmLinkRow } from '../db/crm'

// Companies both ways: a CRM account becomes (or updates) the company of that name in the pool; a company
// that CRM-linked contacts work for and the CRM does not know yet becomes a CRM account, and changed company
// values go out again. The contacts' own links to their account travel with the contacts (crm-sync.ts).

const fromCrm = (account: CrmAccount): CompanyFields => ({ ...account, name: account.name.trim() })

/**
 * Applies one CRM account: the linked company, else the company of the same name (then linked), else a new
 * company in the subsidiary of its country. The CRM's values win for companies (the product does not edit
 * them); applying the same account twice changes nothing.
 */
export async function applyAccount(sql: ISql, accountId: string, record: CrmRecord, link: CrmLinkRow | undefined): Promise<{ applied: boolean }> {
  if (!('account' in record.fields)) throw new Error(`record ${record.id} is not an account`)
  const fields = fromCrm(record.fields.account)
  if (!fields.name) return { applied: false }
  let company: CompanyRow | null = null
  if (link?.company_id) [company = null] = await sql<CompanyRow[]>`select * from companies where id = ${link.company_id}`
  company ??= await companyByName(sql, accountId, fields.name)
  let applied = !link
  if (!company) {
    company = await createCompany(sql, accountId, fields)
    applied = true
  } else if (await updateCompany(sql, company.id, fields)) {
    applied = true
  }
  await saveLinkedCompany(sql, { accountId, crmId: record.id, companyId: company.id, crmUpdatedAt: record.changedAt, pushedHash: hashOf(fields) })
  return { applied }
}

const hashOf = (fields: CompanyFields) => createHash('sha256').update(JSON.stringify(fields)).digest('hex')

/** Companies written at once: the CRM answers each in tens of milliseconds, mostly waiting. */
const PUSH_CONCURRENCY = 4

/**
 * One page of companies out, in id order (the page is the last id done). Before the first page, linked
 * contacts that name a company get one. A company without a CRM account gets one (found by name first, so a
 * repeat or a second attempt running beside the first makes no second); a linked company whose values differ
 * from the last ones synced is updated. Heartbeats after every company, so a slow but live attempt is not
 * taken for dead and run twice at once.
 */
export async function pushCompaniesPage(sql: Sql, adapter: CrmAdapter, input: { runId: string; accountId: string; page: CrmCursor | null; pageSize: number; heartbeat?: () => void }): Promise<{ done: boolean; nextPage: CrmCursor | null }> {
  if (!input.page) await attachCompaniesByName(sql, input.accountId)
  const after = String(input.page?.afterCompanyId ?? '00000000-0000-0000-0000-000000000000')
  const rows = await companiesToPush(sql, input.accountId, after, input.pageSize)
  let out = 0
  const push = async (company: (typeof rows)[number]) => {
    const fields = companyFields(company)
    const hash = hashOf(fields)
    if (company.crm_id && hash === company.pushed_hash) return
    try {
      const { id } = await adapter.upsert('account', company.crm_id, { account: fields })
      await saveLinkedCompany(sql, { accountId: input.accountId, crmId: id, companyId: company.id, crmUpdatedAt: null, pushedHash: hash })
      out++
    } catch (error) {
      if (!(error instanceof CrmRefused)) throw error
      await sql`update crm_sync_runs set errors = errors + 1, last_error = ${`company ${company.name}: ${error.message}`} where id = ${input.runId}`
    }
  }
  const queue = [...rows]
  const settled = await Promise.allSettled(Array.from({ length: PUSH_CONCURRENCY }, async () => {
    for (let company = queue.shift(); company; company = queue.shift()) {
      await push(company)
      input.heartbeat?.()
    }
  }))
  // What was pushed before a failure is counted too; the retry skips it by its hash.
  if (out) await sql`update crm_sync_runs set records_out = records_out + ${out} where id = ${input.runId}`
  const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected')
  if (failed) throw failed.reason
  const done = rows.length < input.pageSize
  return { done, nextPage: done ? null : { afterCompanyId: rows.at(-1)!.id } }
}
