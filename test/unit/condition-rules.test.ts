import { describe, expect, it } from 'vitest'
import { validateForPublish } from '../../engine/campaign/validate'
import { chooseConditionOutput, condition, type ConditionConfig } from '../../engine/nodes/condition'
import type { ContactFacts } from '../../engine/nodes/contact-facts'
import { ruleHolds, type ContactRule } from '../../engine/nodes/contact-rules'
import { linearCampaign } from '../helpers/graphs'

const claire: ContactFacts = {
  attributes: { industry: 'Automotive', employees: '250', machines: 12, products: ['HydroStat 2000', 'PressLine'], newsletter: true, note: '' },
  tags: ['customer', 'webinar-2026'],
  consent: 'granted',
  subsidiary: 'FR',
  timeZone: 'Europe/Paris',
}
const holds = (rule: ContactRule) => ruleHolds(rule, claire)
const parse = (config: unknown) => condition.configSchema.parse(config) as ConditionConfig

describe('condition rules', () => {
  it('compares attributes: equals by text form, numbers as numbers, "contains" ignoring case and inside lists', () => {
    expect(holds({ kind: 'attribute', attribute: 'industry', operator: 'equals', value: 'Automotive' })).toBe(true)
    expect(holds({ kind: 'attribute', attribute: 'industry', operator: 'equals', value: 'automotive' })).toBe(false)
    expect(holds({ kind: 'attribute', attribute: 'newsletter', operator: 'equals', value: 'true' })).toBe(true)
    expect(holds({ kind: 'attribute', attribute: 'employees', operator: 'equals', value: 250 })).toBe(true)
    expect(holds({ kind: 'attribute', attribute: 'industry', operator: 'not_equals', value: 'Food' })).toBe(true)
    expect(holds({ kind: 'attribute', attribute: 'fleet', operator: 'not_equals', value: 'x' })).toBe(true) // not set is not "x"
    expect(holds({ kind: 'attribute', attribute: 'employees', operator: 'greater_than', value: 100 })).toBe(true)
    expect(holds({ kind: 'attribute', attribute: 'machines', operator: 'less_than', value: 12 })).toBe(false)
    expect(holds({ kind: 'attribute', attribute: 'industry', operator: 'greater_than', value: 1 })).toBe(false) // not a number
    expect(holds({ kind: 'attribute', attribute: 'industry', operator: 'contains', value: 'MOTIVE' })).toBe(true)
    expect(holds({ kind: 'attribute', attribute: 'products', operator: 'contains', value: 'pressline' })).toBe(true)
    expect(holds({ kind: 'attribute', attribute: 'products', operator: 'contains', value: 'Press' })).toBe(false) // list: whole elements
  })

  it('knows set from not set: missing, null and empty text are not set', () => {
    expect(holds({ kind: 'attribute', attribute: 'industry', operator: 'exists' })).toBe(true)
    expect(holds({ kind: 'attribute', attribute: 'note', operator: 'exists' })).toBe(false)
    expect(holds({ kind: 'attribute', attribute: 'fleet', operator: 'not_exists' })).toBe(true)
    expect(holds({ kind: 'attribute', attribute: 'fleet', operator: 'equals', value: '' })).toBe(false)
  })

  it('checks tags, consent and subsidiary, each with its negation', () => {
    expect(holds({ kind: 'tag', operator: 'has', tag: 'customer' })).toBe(true)
    expect(holds({ kind: 'tag', operator: 'has_not', tag: 'customer' })).toBe(false)
    expect(holds({ kind: 'consent', operator: 'is', status: 'granted' })).toBe(true)
    expect(holds({ kind: 'consent', operator: 'is_not', status: 'granted' })).toBe(false)
    expect(holds({ kind: 'subsidiary', operator: 'is', codes: ['FR', 'IT'] })).toBe(true)
    expect(holds({ kind: 'subsidiary', operator: 'is_not', codes: ['DE'] })).toBe(true)
  })

  it('goes yes or no for one rule set, combining with all or any', () => {
    const rules = [
      { kind: 'tag', tag: 'customer' },
      { kind: 'subsidiary', codes: ['DE'] },
    ]
    expect(chooseConditionOutput(parse({ mode: 'yes_no', match: 'all', rules }), claire)).toBe('no')
    expect(chooseConditionOutput(parse({ mode: 'yes_no', match: 'any', rules }), claire)).toBe('yes')
  })

  it('takes the first branch that holds, in order, else "else"', () => {
    const config = parse({
      mode: 'branches',
      branches: [
        { name: 'Germany', rules: [{ kind: 'subsidiary', codes: ['DE'] }] },
        { name: 'big customers', rules: [{ kind: 'attribute', attribute: 'employees', operator: 'greater_than', value: 200 }] },
        { name: 'customers', rules: [{ kind: 'tag', tag: 'customer' }] },
      ],
    })
    expect(chooseConditionOutput(config, claire)).toBe('big customers')
    expect(chooseConditionOutput(config, { ...claire, attributes: {}, tags: [] })).toBe('else')
    expect(condition.outputs(config).map((output) => output.label)).toEqual(['Germany', 'big customers', 'customers', 'else'])
    expect(condition.outputs(parse(condition.defaults))).toEqual([
      { id: 'yes', label: 'yes' },
      { id: 'no', label: 'no' },
    ])
  })

  it('describes itself in marketers’ words', () => {
    const config = parse({ mode: 'yes_no', match: 'any', rules: [{ kind: 'tag', tag: 'vip' }, { kind: 'attribute', attribute: 'employees', operator: 'greater_than', value: 100 }] })
    expect(condition.summary(config)).toBe('if tagged vip or employees > 100')
  })
})

describe('publishing a condition', () => {
  const publish = (config: Record<string, unknown>) => {
    const graph = linearCampaign({ eventType: 'purchase' }, [{ id: 'check', type: 'condition', config }])
    graph.nodes.push({ id: 'other', type: 'end', position: { x: 0, y: 0 }, config: {} })
    for (const output of ['no', 'else', 'B']) graph.edges.push({ id: `e-${output}`, source: 'check', sourceHandle: output, target: 'other' })
    graph.edges = graph.edges.map((edge) => (edge.source === 'check' && edge.sourceHandle === 'next' ? { ...edge, sourceHandle: config.mode === 'branches' ? 'A' : 'yes' } : edge))
    const result = validateForPublish(graph, { templateIds: new Set() })
    return result.ok ? [] : result.issues.filter((issue) => issue.nodeId === 'check' && !issue.message.includes('has no output'))
  }

  it('refuses rule kinds that are not implemented yet, naming the node', () => {
    expect(publish({ mode: 'yes_no', rules: [{ kind: 'tag', tag: 'x' }, { kind: 'segment', segmentId: 'x' }] })).toEqual([
      { nodeId: 'check', field: 'config.rules.1.kind', message: 'node check: rule 2: segment conditions are not available yet; remove this rule' },
    ])
    // Personas are available: a condition may ask whether the contact matches one.
    expect(publish({ mode: 'yes_no', rules: [{ kind: 'persona', persona: 'peter-produzent' }] })).toEqual([])
    expect(publish({ mode: 'branches', branches: [{ name: 'A', rules: [{ kind: 'segment', segmentId: 'x' }] }, { name: 'B', rules: [{ kind: 'tag', tag: 'x' }] }] })).toEqual([
      { nodeId: 'check', field: 'config.branches.0.rules.0.kind', message: 'node check: branch "A", rule 1: segment conditions are not available yet; remove this rule' },
    ])
    // Scores are available: a branch for the hottest cells of the matrix.
    expect(publish({ mode: 'branches', branches: [{ name: 'A', rules: [{ kind: 'score', cells: ['A1', 'A2'] }] }, { name: 'B', rules: [{ kind: 'tag', tag: 'x' }] }] })).toEqual([])
  })

  it('refuses values that do not fit the operator, duplicate branch names and a branch called "else"', () => {
    const issues = publish({ mode: 'yes_no', rules: [{ kind: 'attribute', attribute: 'employees', operator: 'greater_than', value: 'many' }] })
    expect(issues).toEqual([expect.objectContaining({ field: 'config.rules.0.value', message: expect.stringContaining('give a number') })])
    const names = publish({ mode: 'branches', branches: [{ name: 'A', rules: [{ kind: 'tag', tag: 'x' }] }, { name: 'A', rules: [{ kind: 'tag', tag: 'y' }] }, { name: 'else', rules: [{ kind: 'tag', tag: 'z' }] }] })
    expect(names.map((issue) => issue.field)).toEqual(expect.arrayContaining(['config.branches.1.name', 'config.branches.2.name']))
  })

  it('accepts a complete condition', () => {
    expect(publish({ mode: 'yes_no', rules: [{ kind: 'consent', status: 'granted' }] })).toEqual([])
  })
})
