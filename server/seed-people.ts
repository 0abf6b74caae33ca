import type { Sql } from 'postgres'
import type { Role } from '../api/permissions'
import { insertUser } from '../db/users'
import { saveWorkspace, type PoolAlias } from '../db/workspaces'
import { hashPassword } from '../people/secrets'

// The demo's people: one user per role (and a marketer for each sales subsidiary), all with the demo
// password, and the FR, IT and ES workspaces with their pool aliases. Idempotent: what exists stays.

export const DEMO_PASSWORD = 'kessler-demo-2026'

export const DEMO_USERS: { email: string; name: string; role: Role; subsidiaries: '*' | string[]; locale: string | null }[] = [
  { email: 'admin@kessler-hydraulik.example', name: 'Andrea Albrecht', role: 'admin', subsidiaries: '*', locale: 'en' },
  { email: 'katrin.weiss@kessler-hydraulik.example', name: 'Katrin Weiß', role: 'hq_marketer', subsidiaries: '*', locale: 'de' },
  { email: 'sophie.marchand@fr.kessler-hydraulik.example', name: 'Sophie Marchand', role: 'subsidiary_marketer', subsidiaries: ['FR'], locale: 'fr' },
  { email: 'giorgia.ferri@it.kessler-hydraulik.example', name: 'Giorgia Ferri', role: 'subsidiary_marketer', subsidiaries: ['IT'], locale: 'it' },
  { email: 'alba.ortega@es.kessler-hydraulik.example', name: 'Alba Ortega', role: 'subsidiary_marketer', subsidiaries: ['ES'], locale: 'es' },
  { email: 'petra.lang@kessler-hydraulik.example', name: 'Petra Lang', role: 'sales_manager', subsidiaries: ['DE'], locale: 'de' },
  { email: 'sabine.vogel@kessler-hydraulik.example', name: 'Sabine Vogel', role: 'sales_rep', subsidiaries: ['DE'], locale: 'de' },
  { email: 'viktor.brandt@kessler-hydraulik.example', name: 'Viktor Brandt', role: 'viewer', subsidiaries: ['DE'], locale: 'en' },
]

const subsidiaryIs = (code: string) => ({ match: 'all' as const, rules: [{ kind: 'subsidiary' as const, operator: 'is' as const, codes: [code] }] })
const countryAndLanguage = (country: string, language: string) => ({
  match: 'all' as const,
  rules: [
    { kind: 'attribute' as const, attribute: 'country', operator: 'equals' as const, value: country },
    { kind: 'attribute' as const, attribute: 'language', operator: 'equals' as const, value: language },
  ],
})

/** FR also looks after French-speaking Belgium and Switzerland; IT after Italian-speaking Switzerland. */
export const DEMO_WORKSPACES: { code: string; name: string; alias: PoolAlias }[] = [
  { code: 'FR', name: 'Kessler Hydraulique France', alias: { anyOf: [subsidiaryIs('FR'), countryAndLanguage('BE', 'fr'), countryAndLanguage('CH', 'fr')] } },
  { code: 'IT', name: 'Kessler Idraulica Italia', alias: { anyOf: [subsidiaryIs('IT'), countryAndLanguage('CH', 'it')] } },
  { code: 'ES', name: 'Kessler Hidráulica España', alias: { anyOf: [subsidiaryIs('ES')] } },
]

export async function seedPeople(sql: Sql, accountId: string): Promise<void> {
  const [{ n } = { n: 0 }] = await sql<{ n: number }[]>`select count(*)::int as n from users where account_id = ${accountId}`
  if (n === 0) {
    // One hash for the shared demo password (scrypt is slow on purpose).
    const passwordHash = await hashPassword(DEMO_PASSWORD)
    for (const user of DEMO_USERS) {
      await insertUser(sql, {
        accountId,
        email: user.email,
        name: user.name,
        role: user.role,
        allSubsidiaries: user.subsidiaries === '*',
        subsidiaryCodes: user.subsidiaries === '*' ? [] : user.subsidiaries,
        locale: user.locale,
        passwordHash,
      })
    }
  }
  const existing = new Set((await sql<{ subsidiary_code: string }[]>`select subsidiary_code from workspaces where account_id = ${accountId}`).map((r) => r.subsidiary_code))
  for (const workspace of DEMO_WORKSPACES) {
    if (!existing.has(workspace.code)) await saveWorkspace(sql, { accountId, code: workspace.code, name: workspace.name, alias: workspace.alias, by: 'demo seed' })
  }
}
