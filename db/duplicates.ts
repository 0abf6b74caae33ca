import { recordAudit } from './audit'
import type { Sql, TransactionSql } from 'postgres'

/**
 * Owner of duplicate_suggestions, contact_merges and attribute_sources (migration 016): matching a person
 * to a contact, suggesting look-alikes, merging two contacts, and where each attribute's value came from.
 */
type Tx = TransactionSql | Sql

export type MatchRule = 'crm_id' | 'email' | 'fuzzy'

export interface ContactMatch {
  contactId: string
  rule: MatchRule
  score: number
  evidence: Record<string, unknown>
}

/** Lower-case, trimmed; googlemail is gmail. Sub-addressing is kept: for B2B mail it names a real mailbox. */
export function normaliseEmail(email: string): string {
  const trimmed = email.trim().toLowerCase()
  return trimmed.replace(/@googlemail\.com$/, '@gmail.com')
}

/** Letters only, without accents, legal forms and spacing, for comparing names and companies. */
export function normaliseName(text: string | null | undefined): string {
  return (text ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\b(gmbh|ag|kg|co|sa|sas|sarl|srl|spa|sl|ltd|inc|se)\b/g, '')
    .replace(/[^a-z0-9]/g, '')
}

/**
 * Finds the contact a person is: by normalised e-mail (deterministic), else by name + company + postal
 * code (fuzzy: only ever a suggestion for a person to confirm). The CRM id is matched before this, by the
 * sync's links.
 */
export async function findContactMatch(
  sql: Tx,
  accountId: string,
  person: { email?: string | null; firstName?: string | null; lastName?: string | null; company?: string | null; postalCode?: string | null; excludeId?: string },
): Promise<ContactMatch | null> {
  if (person.email) {
    const email = normaliseEmail(person.email)
    const [row] = await sql<{ id: string; email: string }[]>`
      select id, email from contacts where account_id = ${accountId} and lower(email) = any(${[email, person.email.trim().toLowerCase()]})
        and id <> ${person.excludeId ?? '00000000-0000-0000-0000-000000000000'} limit 1`
    if (row) return { contactId: row.id, rule: 'email', score: 1, evidence: { email: row.email } }
  }
  const last = normaliseName(person.lastName)
  const company = normaliseName(person.company)
  if (!last || !company || !person.postalCode) return null
  const candidates = await sql<{ id: string; email: string; first_name: string | null; last_name: string | null; company: string | null; postal: string | null }[]>`
    select id, email, first_name, last_name, company, attributes->>'postal_code' as postal from contacts
    where account_id = ${accountId} and attributes->>'postal_code' = ${person.postalCode.trim()}
      and id <> ${person.excludeId ?? '00000000-0000-0000-0000-000000000000'} limit 200`
  for (const candidate of candidates) {
    if (normaliseName(candidate.last_name) !== last || normaliseName(candidate.company) !== company) continue
    const first = normaliseName(person.firstName)
    const theirs = normaliseName(candidate.first_name)
    // "M." and "Maria" are one first name; two different full first names are two people.
    const firstAgrees = !first || !theirs || first === theirs || first[0] === theirs[0] && (first.length === 1 || theirs.length === 1)
    if (!firstAgrees) continue
    return {
      contactId: candidate.id,
      rule: 'fuzzy',
      score: first === theirs ? 0.9 : 0.7,
      evidence: { name: [person.firstName, person.lastName].filter(Boolean).join(' '), theirName: [candidate.first_name, candidate.last_name].filter(Boolean).join(' '), company: candidate.company, postalCode: candidate.postal, emails: [person.email ?? null, candidate.email] },
    }
  }
  return null
}

/**
 * Looks for look-alikes across the whole pool, not only when a contact arrives: the same normalised e-mail
 * written two ways (rule email), or the same last name, company and postal code with agreeing first names
 * (rule fuzzy, as findContactMatch). Contacts are compared only within their postal code, so the work grows
 * with the pool, not with its square. Every pair becomes a suggestion for a person (one already decided,
 * merged or dismissed, is not suggested again). Answers how many contacts were looked at and pairs found.
 */
export async function scanLookAlikes(sql: Tx, accountId: string): Promise<{ scanned: number; suggested: number }> {
  type Row = { id: string; email: string; first_name: string | null; last_name: string | null; company: string | null; postal: string | null }
  const rows: Row[] = await sql<Row[]>`
    select id, email, first_name, last_name, company, attributes->>'postal_code' as postal from contacts where account_id = ${accountId}`
  const pairs: { a: string; b: string; rule: MatchRule; score: number; evidence: Record<string, unknown> }[] = []
  const byEmail = new Map<string, Row[]>()
  const byPostal = new Map<string, Row[]>()
  const add = (map: Map<string, Row[]>, key: string, row: Row) => (map.get(key) ?? map.set(key, []).get(key)!).push(row)
  for (const row of rows) {
    add(byEmail, normaliseEmail(row.email), row)
    if (row.postal?.trim() && normaliseName(row.last_name) && normaliseName(row.company)) add(byPostal, row.postal.trim(), row)
  }
  for (const group of byEmail.values()) {
    for (let i = 1; i < group.length; i++) pairs.push({ a: group[0]!.id, b: group[i]!.id, rule: 'email', score: 1, evidence: { emails: [group[0]!.email, group[i]!.email], reason: 'the same address written two ways' } })
  }
  for (const group of byPostal.values()) {
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        const [x, y] = [group[i]!, group[j]!]
        if (normaliseEmail(x.email) === normaliseEmail(y.email)) continue
        if (normaliseName(x.last_name) !== normaliseName(y.last_name) || normaliseName(x.company) !== normaliseName(y.company)) continue
        const [first, theirs] = [normaliseName(x.first_name), normaliseName(y.first_name)]
        if (first && theirs && first !== theirs && !(first[0] === theirs[0] && (first.length === 1 || theirs.length === 1))) continue
        pairs.push({ a: x.id, b: y.id, rule: 'fuzzy', score: first === theirs ? 0.9 : 0.7, evidence: { name: [x.first_name, x.last_name].filter(Boolean).join(' '), theirName: [y.first_name, y.last_name].filter(Boolean).join(' '), company: y.company, postalCode: y.postal, emails: [x.email, y.email], found: 'pool scan' } })
      }
    }
  }
  let suggested = 0
  for (const pair of pairs) {
    const [a, b] = pair.a < pair.b ? [pair.a, pair.b] : [pair.b, pair.a]
    const inserted = await sql`
      insert into duplicate_suggestions (account_id, contact_a, contact_b, rule, score, evidence)
      values (${accountId}, ${a}, ${b}, ${pair.rule}, ${pair.score}, ${sql.json(pair.evidence as never)})
      on conflict (contact_a, contact_b) do nothing returning id`
    suggested += inserted.length
  }
  return { scanned: rows.length, suggested }
}

export async function suggestDuplicate(sql: Tx, input: { accountId: string; a: string; b: string; rule: MatchRule; score: number; evidence: Record<string, unknown> }): Promise<void> {
  const [a, b] = input.a < input.b ? [input.a, input.b] : [input.b, input.a]
  await sql`
    insert into duplicate_suggestions (account_id, contact_a, contact_b, rule, score, evidence)
    values (${input.accountId}, ${a}, ${b}, ${input.rule}, ${input.score}, ${sql.json(input.evidence as never)})
    on conflict (contact_a, contact_b) do nothing`
}

export async function recordProvenance(sql: Tx, input: { accountId: string; contactId: string; attribute: string; source: string; value: string | null }): Promise<void> {
  await sql`
    insert into attribute_sources (contact_id, account_id, attribute, source, value) values (${input.contactId}, ${input.accountId}, ${input.attribute}, ${input.source}, ${input.value})
    on conflict (contact_id, attribute) do update set source = excluded.source, value = excluded.value, changed_at = now()`
}

/** Several attributes of one contact from one source in one statement (a contact arriving from the CRM). */
export async function recordProvenanceMany(sql: Tx, input: { accountId: string; contactId: string; source: string; values: Record<string, string | null> }): Promise<void> {
  const rows = Object.entries(input.values).map(([attribute, value]) => ({ contact_id: input.contactId, account_id: input.accountId, attribute, source: input.source, value }))
  if (!rows.length) return
  await sql`
    insert into attribute_sources ${sql(rows)}
    on conflict (contact_id, attribute) do update set source = excluded.source, value = excluded.value, changed_at = now()`
}

export interface MergeResult {
  mergeId: string
  keptContactId: string
  moved: Record<string, number>
  consent: string
}

const CONSENT_RANK: Record<string, number> = { none: 0, pending: 1, granted: 2 }

/**
 * Merges `mergedId` into `keptId` in one transaction: every event, message, enrolment, handover, consent
 * proof, opportunity and CRM link moves to the kept contact (rows that would collide are the merged one's
 * copies of what the kept one already has); attributes the kept contact lacks are taken over; consent
 * becomes the stronger of the two (a revocation newer than the other's grant wins), and both proofs stay.
 * The merged contact is then deleted and its former self logged in contact_merges with the rule and evidence.
 */
/**
 * Merges `mergedId` into `keptId` in one transaction, with its contact_merges row and (when `audit` says who
 * asked, from where) an audit_log entry beside it: a merge is never in one log and missing from the other.
 */
export async function mergeContacts(
  sql: Sql,
  input: { accountId: string; keptId: string; mergedId: string; rule: string; evidence: Record<string, unknown>; actor: string; audit?: { actorName?: string | null; workspace?: string | null; ip?: string | null } },
): Promise<MergeResult | null> {
  return sql.begin(async (sql) => {
    const rows = await sql<{ id: string; email: string; first_name: string | null; last_name: string | null; company: string | null; attributes: Record<string, unknown>; tags: string[]; consent_status: string; consent_source: string | null; consent_at: Date | null }[]>`
      select * from contacts where account_id = ${input.accountId} and id = any(${[input.keptId, input.mergedId]}) for update`
    const kept = rows.find((row) => row.id === input.keptId)
    const merged = rows.find((row) => row.id === input.mergedId)
    if (!kept || !merged || kept.id === merged.id) return null
    const k = input.keptId
    const m = input.mergedId
    // Copies the kept contact already has would break unique keys: the merged one's go (both ids are logged).
    await sql`delete from contact_scores where contact_id = ${m}`
    await sql`delete from contact_personas where contact_id = ${m} and persona_id in (select persona_id from contact_personas where contact_id = ${k})`
    await sql`delete from segment_members where contact_id = ${m} and left_at is null and segment_id in (select segment_id from segment_members where contact_id = ${k} and left_at is null)`
    await sql`delete from trigger_occasions t where contact_id = ${m} and exists (select 1 from trigger_occasions o where o.contact_id = ${k} and o.campaign_id = t.campaign_id and o.occasion = t.occasion)`
    await sql`update enrolments set status = 'exited', exit_reason = 'merged into another contact', finished_at = now() where contact_id = ${m} and status = 'active' and campaign_id in (select campaign_id from enrolments where contact_id = ${k} and status = 'active')`
    await sql`update handovers set qualification = qualification + (select coalesce(max(qualification), 0) from handovers where contact_id = ${k}) where contact_id = ${m}`
    await sql`delete from attribute_sources where contact_id = ${m} and attribute in (select attribute from attribute_sources where contact_id = ${k})`
    await sql`delete from crm_conflicts where contact_id = ${m} and status = 'open' and field in (select field from crm_conflicts where contact_id = ${k} and status = 'open')`
    await sql`delete from duplicate_suggestions where contact_a = ${m} or contact_b = ${m}`
    const references = await sql<{ table_name: string; column_name: string }[]>`
      select c.conrelid::regclass::text as table_name, a.attname as column_name
      from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any(c.conkey)
      where c.contype = 'f' and c.confrelid = 'contacts'::regclass and c.conrelid <> 'contact_merges'::regclass`
    const moved: Record<string, number> = {}
    for (const { table_name, column_name } of references) {
      const result = await sql`update ${sql(table_name)} set ${sql(column_name)} = ${k} where ${sql(column_name)} = ${m}`
      if (result.count) moved[table_name] = (moved[table_name] ?? 0) + result.count
    }
    const consent = strongerConsent(kept, merged)
    const attributes = { ...merged.attributes, ...kept.attributes, alternate_emails: [...new Set([...((kept.attributes.alternate_emails as string[]) ?? []), merged.email])] }
    await sql`delete from contacts where id = ${m}`
    await sql`
      update contacts set first_name = coalesce(first_name, ${merged.first_name}), last_name = coalesce(last_name, ${merged.last_name}),
        company = coalesce(company, ${merged.company}), company_id = coalesce(company_id, ${(merged as { company_id?: string | null }).company_id ?? null}), attributes = ${sql.json(attributes as never)},
        tags = (select array(select distinct unnest(tags || ${merged.tags}::text[]))),
        consent_status = ${consent.consent_status}, consent_source = ${consent.consent_source}, consent_at = ${consent.consent_at}, updated_at = now()
      where id = ${k}`
    const [log] = await sql<{ id: string }[]>`
      insert into contact_merges (account_id, kept_contact_id, merged_contact_id, rule, evidence, merged_snapshot, moved, merged_by)
      values (${input.accountId}, ${k}, ${m}, ${input.rule}, ${sql.json(input.evidence as never)}, ${sql.json(merged as never)}, ${sql.json(moved)}, ${input.actor})
      returning id`
    if (input.audit) {
      await recordAudit(sql, { accountId: input.accountId, actor: input.actor, ...input.audit, action: 'contact.merged', target: kept.email, details: { mergeId: log!.id, keptContactId: k, mergedContactId: m, mergedEmail: merged.email, rule: input.rule, moved } })
    }
    return { mergeId: log!.id, keptContactId: k, moved, consent: consent.consent_status }
  })
}

type ConsentState = { consent_status: string; consent_source: string | null; consent_at: Date | null }

export function strongerConsent(a: ConsentState, b: ConsentState): ConsentState {
  const revoked = [a, b].filter((c) => c.consent_status === 'revoked')
  const granted = [a, b].filter((c) => c.consent_status === 'granted')
  const latestRevocation = revoked.sort((x, y) => (y.consent_at?.getTime() ?? 0) - (x.consent_at?.getTime() ?? 0))[0]
  const latestGrant = granted.sort((x, y) => (y.consent_at?.getTime() ?? 0) - (x.consent_at?.getTime() ?? 0))[0]
  if (latestRevocation && (!latestGrant || (latestRevocation.consent_at?.getTime() ?? 0) >= (latestGrant.consent_at?.getTime() ?? 0))) return latestRevocation
  return [a, b].filter((c) => c.consent_status !== 'revoked').sort((x, y) => (CONSENT_RANK[y.consent_status] ?? 0) - (CONSENT_RANK[x.consent_status] ?? 0))[0] ?? a
}

/** The open suggestions that name this contact, with the other contact's address (its profile lists them). */
export function openSuggestionsOf(sql: Tx, contactId: string) {
  return (sql as Sql)`
    select d.id, d.rule, d.score::float, d.evidence, case when d.contact_a = ${contactId} then d.contact_b else d.contact_a end as "otherId", o.email as "otherEmail"
    from duplicate_suggestions d join contacts o on o.id = (case when d.contact_a = ${contactId} then d.contact_b else d.contact_a end)
    where (d.contact_a = ${contactId} or d.contact_b = ${contactId}) and d.status = 'open'`
}

/** The account's open suggestions whose two contacts both belong to these subsidiaries ('*': all), oldest first. */
export function openSuggestions(sql: Tx, accountId: string, subsidiaries: '*' | string[]) {
  const q = sql as Sql
  return q`
    select d.id, d.rule, d.score::float, d.evidence, d.created_at as "createdAt",
      json_build_object('id', a.id, 'email', a.email, 'name', concat_ws(' ', a.first_name, a.last_name), 'company', a.company, 'postalCode', a.attributes->>'postal_code', 'createdAt', a.created_at) as a,
      json_build_object('id', b.id, 'email', b.email, 'name', concat_ws(' ', b.first_name, b.last_name), 'company', b.company, 'postalCode', b.attributes->>'postal_code', 'createdAt', b.created_at) as b
    from duplicate_suggestions d join contacts a on a.id = d.contact_a join contacts b on b.id = d.contact_b
      join subsidiaries s on s.id = a.subsidiary_id join subsidiaries s2 on s2.id = b.subsidiary_id
    where d.account_id = ${accountId} and d.status = 'open'
      and ${subsidiaries === '*' ? q`true` : q`s.code = any(${subsidiaries}) and s2.code = any(${subsidiaries})`}
    order by d.created_at`
}
