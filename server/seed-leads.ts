import type { TransactionSql } from 'postgres'
import { PETER_PRODUZENT } from '../engine/personas'

// The demo's sales side: a rep per territory with their manager, postal-code territories per country,
// and the persona "Peter Produzent". With the example campaigns, the contacts also get the attributes
// personas and routing read (position, industry, company size, interests, postal code).

const REPS = [
  // subsidiary, name, email, manager, manager email, territories [country, from, to]
  ['DE', 'Stefan Krüger', 'stefan.krueger@kessler-hydraulik.example', 'Petra Lang', 'petra.lang@kessler-hydraulik.example', [['DE', '00000', '49999']]],
  ['DE', 'Sabine Vogel', 'sabine.vogel@kessler-hydraulik.example', 'Petra Lang', 'petra.lang@kessler-hydraulik.example', [['DE', '50000', '99999']]],
  ['FR', 'Nicolas Petit', 'nicolas.petit@fr.kessler-hydraulik.example', 'Isabelle Moreau', 'isabelle.moreau@fr.kessler-hydraulik.example', [['FR', '00000', '49999']]],
  ['FR', 'Camille Laurent', 'camille.laurent@fr.kessler-hydraulik.example', 'Isabelle Moreau', 'isabelle.moreau@fr.kessler-hydraulik.example', [['FR', '50000', '99999']]],
  ['IT', 'Luca Romano', 'luca.romano@it.kessler-hydraulik.example', 'Francesca Conti', 'francesca.conti@it.kessler-hydraulik.example', [['IT', '00000', '99999']]],
  ['ES', 'Carmen López', 'carmen.lopez@es.kessler-hydraulik.example', 'Diego Navarro', 'diego.navarro@es.kessler-hydraulik.example', [['ES', '00000', '99999']]],
] as const

const LEAD_ATTRIBUTES: Record<string, Record<string, unknown>> = {
  'jonas.becker@becker-maschinenbau.example': { position: 'Production Manager', industry: 'Machine tools', employees: 240, interests: ['hydraulic components'], postal_code: '70173', country: 'DE' },
  'anna.schmidt@schmidt-pressen.example': { position: 'Head of Purchasing', industry: 'Presses', employees: 900, interests: ['service'], postal_code: '33602', country: 'DE' },
  'miriam.hoffmann@hoffmann-werkzeug.example': { position: 'Produktionsleiterin', industry: 'Werkzeugmaschinen', employees: 120, interests: ['hydraulik-komponenten'], postal_code: '80331', country: 'DE' },
  'claire.dupont@dupont-industrie.example': { position: 'Directeur de production', industry: 'Machine-outil', employees: 300, interests: ['hydraulics'], postal_code: '69002', country: 'FR' },
  'marco.rossi@rossi-macchine.example': { position: 'Responsabile produzione', industry: 'Macchine utensili', employees: 80, interests: ['hydraulic components'], postal_code: '20121', country: 'IT' },
}

export async function seedLeadManagement(sql: TransactionSql, accountId: string, subsidiaryIds: Map<string, string>, examples: boolean): Promise<void> {
  await sql`
    insert into personas (account_id, slug, name, criteria, threshold)
    values (${accountId}, ${PETER_PRODUZENT.slug}, ${PETER_PRODUZENT.name}, ${sql.json(PETER_PRODUZENT.criteria as never)}, ${PETER_PRODUZENT.threshold})`
  for (const [code, name, email, managerName, managerEmail, territories] of REPS) {
    const [rep] = await sql<{ id: string }[]>`
      insert into sales_reps (account_id, subsidiary_id, name, email, manager_name, manager_email)
      values (${accountId}, ${subsidiaryIds.get(code)!}, ${name}, ${email}, ${managerName}, ${managerEmail}) returning id`
    for (const [country, from, to] of territories) {
      await sql`insert into territory_rules (account_id, country, postal_from, postal_to, rep_id) values (${accountId}, ${country}, ${from}, ${to}, ${rep!.id})`
    }
  }
  if (!examples) return
  for (const [email, attributes] of Object.entries(LEAD_ATTRIBUTES)) {
    await sql`update contacts set attributes = attributes || ${sql.json(attributes as never)} where account_id = ${accountId} and email = ${email}`
  }
}
