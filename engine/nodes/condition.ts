import { z } from 'zod'
import type { ContactFacts } from './contact-facts'
import { describeRuleSet, ruleSetHolds, ruleSetIssues, ruleSetShape } from './contact-rules'
import { defineNodeType, type NodeOutput } from './node-type'
import { duplicateNameIssues, outputNameSchema } from './output-name'

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

const YES: NodeOutput = { id: 'yes', label: 'yes' }
const NO: NodeOutput = { id: 'no', label: 'no' }
const ELSE: NodeOutput = { id: 'else', label: 'else' }

/** The output a contact with these facts takes. Pure, so the designer could preview it and tests need no workflow. */
export function chooseConditionOutput(c: ConditionConfig, facts: ContactFacts): string {
  if (c.mode === 'yes_no') return ruleSetHolds(c, facts) ? YES.id : NO.id
  return c.branches.find((branch) => ruleSetHolds(branch, facts))?.name ?? ELSE.id
}

/** Branches on what is known about the contact now: attributes, tags, consent, subsidiary. */
export const condition = defineNodeType({
  type: 'condition',
  label: 'Condition',
  description: 'Sends the contact down a branch depending on their attributes, tags, consent or subsidiary.',
  category: 'flow',
  configSchema: config,
  defaults: { mode: 'yes_no', match: 'all', rules: [{ kind: 'consent', operator: 'is', status: 'granted' }] },
  hasInput: true,
  waits: false,
  readsAttributes: (c) =>
    (c.mode === 'yes_no' ? c.rules : c.branches.flatMap((branch) => branch.rules)).flatMap((rule) => (rule.kind === 'attribute' ? [rule.attribute] : [])),
  outputs: (c) => (c.mode === 'yes_no' ? [YES, NO] : [...c.branches.map((branch) => ({ id: branch.name, label: branch.name })), ELSE]),
  summary: (c) =>
    c.mode === 'yes_no' ? `if ${describeRuleSet(c)}` : c.branches.map((branch) => `${branch.name}: ${describeRuleSet(branch)}`).join('; '),
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
