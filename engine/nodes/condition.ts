import { z } from 'zod'
import type { ContactFacts } from './contact-facts'
import { describeRuleSet, ruleSetHolds, ruleSetIssues, ruleSetShape } from './contact-rules'
import { defineNodeType, type DeclaredOutput } from './node-type'
import { RULE_FIELDS } from './contact-rules-ui'
import { duplicateNameIssues, outputNameSchema } from './output-name'
import { perLanguage, words } from './ui'

const config = z.discriminatedUnion('mode', [
  // One rule set: the contact goes "yes" or "no".
  z.strictObject({ mode: z.literal('yes_no'), ...ruleSetShape }),
  // Named branches, checked in order: the contact takes the first that holds, else "else".
  z.strictObject({
    mode: z.literal('branches'),
    branches: z.array(z.strictObject({ name: outputNameSchema, ...ruleSetShape })).min(1, 'add at least one branch').max(20),
  }),
])

export type ConditionConfig = z.output<typeof config>

// Fixed outputs: their labels are the module's ui.outputs words.
const YES: DeclaredOutput = { id: 'yes' }
const NO: DeclaredOutput = { id: 'no' }
const ELSE: DeclaredOutput = { id: 'else' }
const IF = words('if', 'wenn', 'si', 'se', 'si')

/** The output a contact with these facts takes. Pure, so the designer could preview it and tests need no workflow. */
export function chooseConditionOutput(c: ConditionConfig, facts: ContactFacts): string {
  if (c.mode === 'yes_no') return ruleSetHolds(c, facts) ? YES.id : NO.id
  return c.branches.find((branch) => ruleSetHolds(branch, facts))?.name ?? ELSE.id
}

/** Branches on what is known about the contact now: attributes, tags, consent, subsidiary. */
export const condition = defineNodeType({
  type: 'condition',
  ui: {
    label: words('Condition', 'Bedingung', 'Condition', 'Condizione', 'Condición'),
    description: words(
      'Sends the contact down a branch depending on their attributes, tags, consent or subsidiary.',
      'Schickt den Kontakt je nach Attributen, Tags, Einwilligung oder Niederlassung in einen Zweig.',
      'Envoie le contact dans une branche selon ses attributs, tags, consentement ou filiale.',
      'Manda il contatto in un ramo secondo attributi, tag, consenso o filiale.',
      'Envía al contacto por una rama según sus atributos, etiquetas, consentimiento o filial.',
    ),
    summary: words('{rules}', '{rules}', '{rules}', '{rules}', '{rules}'),
    outputs: {
      yes: words('yes', 'ja', 'oui', 'sì', 'sí'),
      no: words('no', 'nein', 'non', 'no', 'no'),
      else: words('else', 'sonst', 'sinon', 'altrimenti', 'si no'),
    },
    fields: {
      ...RULE_FIELDS,
      mode: {
        label: words('branch by', 'verzweigen nach', 'bifurquer par', 'dirama per', 'bifurcar por'),
        help: words(
          'Yes/no on one rule set, or named branches checked in order.',
          'Ja/nein nach einem Regelsatz oder benannte Zweige, der Reihe nach geprüft.',
          'Oui/non sur un jeu de règles, ou branches nommées vérifiées dans l’ordre.',
          'Sì/no su un insieme di regole, o rami con nome verificati in ordine.',
          'Sí/no con un conjunto de reglas, o ramas con nombre comprobadas en orden.',
        ),
        widget: 'variant',
        choices: {
          yes_no: words('yes / no', 'ja / nein', 'oui / non', 'sì / no', 'sí / no'),
          branches: words('named branches', 'benannte Zweige', 'branches nommées', 'rami con nome', 'ramas con nombre'),
        },
      },
      branches: {
        label: words('branches', 'Zweige', 'branches', 'rami', 'ramas'),
        help: words(
          'The first branch whose rules hold wins; everyone else goes to "else".',
          'Der erste Zweig, dessen Regeln zutreffen, gewinnt; alle anderen gehen zu „sonst“.',
          'La première branche dont les règles sont vraies l’emporte ; les autres vont à « sinon ».',
          'Vince il primo ramo le cui regole valgono; tutti gli altri vanno ad «altrimenti».',
          'Gana la primera rama cuyas reglas se cumplen; los demás van a «si no».',
        ),
        widget: 'list',
      },
      name: {
        label: words('name', 'Name', 'nom', 'nome', 'nombre'),
        help: words('Also the output’s name on the canvas.', 'Zugleich der Name des Ausgangs auf der Fläche.', 'Aussi le nom de la sortie sur le canevas.', 'Anche il nome dell’uscita sulla tela.', 'También el nombre de la salida en el lienzo.'),
        widget: 'text',
      },
    },
  },
  category: 'flow',
  configSchema: config,
  defaults: { mode: 'yes_no', match: 'all', rules: [{ kind: 'consent', operator: 'is', status: 'granted' }] },
  hasInput: true,
  waits: false,
  readsAttributes: (c) =>
    (c.mode === 'yes_no' ? c.rules : c.branches.flatMap((branch) => branch.rules)).flatMap((rule) => (rule.kind === 'attribute' ? [rule.attribute] : [])),
  outputs: (c) => (c.mode === 'yes_no' ? [YES, NO] : [...c.branches.map((branch) => ({ id: branch.name, label: branch.name })), ELSE]),
  summaryValues: (c) => ({
    rules: perLanguage((language) =>
      c.mode === 'yes_no' ? `${IF[language]} ${describeRuleSet(c, language)}` : c.branches.map((branch) => `${branch.name}: ${describeRuleSet(branch, language)}`).join('; '),
    ),
  }),
  validate: (c) => {
    if (c.mode === 'yes_no') return ruleSetIssues(c, '')
    const issues = c.branches.flatMap((branch, i) => ruleSetIssues(branch, `branches.${i}`).map((issue) => ({ ...issue, message: `branch "${branch.name}", ${issue.message}` })))
    c.branches.forEach((branch, i) => {
      if (branch.name === ELSE.id) issues.push({ field: `branches.${i}.name`, message: 'a branch cannot be called "else": that is where everyone else goes' })
    })
    return [...issues, ...duplicateNameIssues(c.branches, 'branches', 'branches')]
  },
  step: async (c, context) => {
    const facts = await context.activities.loadContactFacts({ accountId: context.enrolment.accountId, contactId: context.enrolment.contactId })
    return { next: chooseConditionOutput(c, facts) }
  },
})
