import type { ISql } from 'postgres'

/**
 * Owner of companies (migration 022): the companies contacts work for, which a CRM calls accounts. A
 * company comes from the CRM (its account, linked in crm_links) or from contacts' company names, which the
 * outbound sync turns into CRM accounts. Names are unique per account, case-insensitively, as in the CRM.
 */
export interface CompanyRow {
  id: string
  account_id: string
  subsidiary_id: string
  name: string
  website: string | null
  industry: string | null
  phone: string | null
  city: string | null
  postal_code: string | null
  country: string | null
}

/** The fields a company and a CRM account share, in the product's words. */
export interface CompanyFields {
  name: string
  website: string | null
  industry: string | null
  phone: string | null
  city: string | null
  postalCode: string | null
  country: string | null
}

export const companyFields = (row: CompanyRow): CompanyFields => ({
  name: row.name,
  website: row.website,
  industry: row.industry,
  phone: row.phone,
  city: row.city,
  postalCode: row.postal_code,
  country: row.country,
})

export async function companyByName(sql: ISql, accountId: string, name: string): Promise<CompanyRow | null> {
  const [row] = await sql<CompanyRow[]>`select * from companies where account_id = ${accountId} and lower(name) = lower(${name.trim()})`
  return row ?? null
}

export async function companyById(sql: ISql, id: string): Promise<CompanyRow | null> {
  const [row] = await sql<CompanyRow[]>`select * from companies where id = ${id}`
  return row ?? null
}

/** Creates the company, in the subsidiary of its country (HQ otherwise); one with the same name is reused. */
export async function createCompany(sql: ISql, accountId: string, fields: CompanyFields): Promise<CompanyRow> {
  const country = fields.country?.toUpperCase() ?? null
  const [row] = await sql<CompanyRow[]>`
    insert into companies (account_id, subsidiary_id, name, website, industry, phone, city, postal_code, country)
    select ${accountId}, s.id, ${fields.name.trim()}, ${fields.website}, ${fields.industry}, ${fields.phone}, ${fields.city}, ${fields.postalCode}, ${fields.country}
    from subsidiaries s where s.account_id = ${accountId} and (s.code = ${country} or s.is_headquarters)
    order by (s.code = ${country}) desc limit 1
    on conflict (account_id, lower(name)) do update set updated_at = companies.updated_at
    returning *`
  return row!
}

/** Writes the CRM's values onto the company; answers whether anything changed. */
export async function updateCompany(sql: ISql, id: string, fields: CompanyFields): Promise<boolean> {
  const rows = await sql`
    update companies set
      -- A rename onto another company's name keeps the old name (names are unique); the rest still updates.
      name = case when exists (select 1 from companies o where o.account_id = companies.account_id and o.id <> companies.id and lower(o.name) = lower(${fields.name.trim()}))
        then name else ${fields.name.trim()} end,
      website = ${fields.website}, industry = ${fields.industry}, phone = ${fields.phone},
      city = ${fields.city}, postal_code = ${fields.postalCode}, country = ${fields.country}, updated_at = now()
    where id = ${id} and (name, website, industry, phone, city, postal_code, country) is distinct from
      (${fields.name.trim()}, ${fields.website}, ${fields.industry}, ${fields.phone}, ${fields.city}, ${fields.postalCode}, ${fields.country})
    returning id`
  return rows.length > 0
}

/** Puts the contact at the company (null: at none known); answers whether it moved. */
export async function setContactCompany(sql: ISql, contactId: string, companyId: string | null): Promise<boolean> {
  const rows = await sql`update contacts set company_id = ${companyId}, updated_at = now() where id = ${contactId} and company_id is distinct from ${companyId} returning id`
  return rows.length > 0
}

/**
 * Gives CRM-linked contacts that name a company but have none on record their company (made from the name
 * when there is none yet), so the outbound sync can create it in the CRM and attach them to it.
 */
export async function attachCompaniesByName(sql: ISql, accountId: string): Promise<number> {
  await sql`
    insert into companies (account_id, subsidiary_id, name)
    select distinct on (lower(trim(c.company))) ${accountId}::uuid, c.subsidiary_id, trim(c.company)
    from contacts c join crm_links l on l.contact_id = c.id and l.account_id = ${accountId} and l.object_type = 'contact'
    where c.account_id = ${accountId} and c.company_id is null and coalesce(trim(c.company), '') <> ''
    order by lower(trim(c.company)), c.created_at
    on conflict (account_id, lower(name)) do nothing`
  const attached = await sql`
    update contacts c set company_id = co.id
    from companies co
    where c.account_id = ${accountId} and c.company_id is null and co.account_id = ${accountId} and lower(co.name) = lower(trim(c.company))
      and exists (select 1 from crm_links l where l.contact_id = c.id and l.account_id = ${accountId} and l.object_type = 'contact')`
  return attached.count
}

/**
 * One page of companies for the outbound push, in id order after `afterId`: those already linked to a CRM
 * account (to update) and those a CRM-linked contact works for (to create), with their link and the hash
 * of the values last pushed, so unchanged ones are skipped.
 */
export function companiesToPush(sql: ISql, accountId: string, afterId: string, limit: number) {
  return sql<(CompanyRow & { crm_id: string | null; pushed_hash: string | null })[]>`
    select co.*, l.crm_id, l.pushed_hash from companies co
      left join crm_links l on l.account_id = co.account_id and l.object_type = 'account' and l.company_id = co.id
    where co.account_id = ${accountId} and co.id > ${afterId}
      and (l.crm_id is not null or exists (select 1 from contacts c join crm_links cl on cl.contact_id = c.id and cl.object_type = 'contact' where c.company_id = co.id))
    order by co.id limit ${limit}`
}
