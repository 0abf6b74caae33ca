import { describe, expect, it } from 'vitest'
import { nodeTypes } from '../../engine/nodes'
import { emptyValue, fieldMessages, shapeOf, switchVariant } from './schema-form'
import { contactRuleSchema } from '../../engine/nodes/contact-rules'

describe('config form from the node schemas', () => {
  it('reads every registered node type into fields it can edit', () => {
    for (const type of Object.values(nodeTypes)) {
      const shape = shapeOf(type.configSchema)
      expect(['object', 'variant'], type.type).toContain(shape.kind)
    }
  })

  it('offers the trigger kinds as a variant and keeps entry rules when the kind changes', () => {
    const shape = shapeOf(nodeTypes.trigger!.configSchema)
    if (shape.kind !== 'variant') throw new Error('trigger is not a variant')
    expect(shape.discriminator).toBe('kind')
    expect(shape.options.map((option) => option.value)).toEqual(['event', 'date', 'inactivity', 'segment'])
    const switched = switchVariant(shape, { kind: 'event', eventType: 'purchase', filter: {}, reEntry: 'never' }, 'inactivity')
    expect(switched).toMatchObject({ kind: 'inactivity', reEntry: 'never' })
    expect(switched).not.toHaveProperty('eventType')
    expect(nodeTypes.trigger!.configSchema.safeParse({ ...switched, period: '90d' }).success).toBe(true)
  })

  it("drops a shared field whose value does not fit the new variant: a rule's operator when it becomes a persona rule", () => {
    const shape = shapeOf(contactRuleSchema)
    if (shape.kind !== 'variant') throw new Error('a rule is not a variant')
    const switched = switchVariant(shape, { kind: 'attribute', attribute: '', operator: 'equals' }, 'persona')
    expect(switched).toMatchObject({ kind: 'persona', operator: 'matches' })
    expect(switched).not.toHaveProperty('attribute')
    expect(switchVariant(shape, { kind: 'tag', operator: 'has_not', tag: 'vip' }, 'consent')).not.toMatchObject({ operator: 'has_not' })
    expect(switchVariant(shape, { kind: 'consent', operator: 'is_not', status: 'granted' }, 'subsidiary')).toMatchObject({ kind: 'subsidiary', operator: 'is_not' })
  })

  it('knows choices, lists and name/value pairs', () => {
    const waitForEvent = shapeOf(nodeTypes.wait_for_event!.configSchema)
    if (waitForEvent.kind !== 'object') throw new Error('not an object')
    const kinds = Object.fromEntries(waitForEvent.fields.map((field) => [field.name, shapeOf(field.schema).kind]))
    expect(kinds).toEqual({ eventType: 'text', filter: 'pairs', timeout: 'text', anyCampaign: 'boolean' })
    const split = shapeOf(nodeTypes.ab_split!.configSchema)
    if (split.kind !== 'object') throw new Error('not an object')
    const arms = shapeOf(split.fields[0]!.schema)
    expect(arms.kind).toBe('list')
    // A new arm is a complete object: a name to fill in and a number.
    expect(emptyValue((arms as unknown as { item: never }).item)).toEqual({ name: '', weight: 0 })
  })

  it('puts validation messages under the field they name', () => {
    const messages = fieldMessages([
      { field: 'config.arms.1.weight', message: 'node split: config.arms.1.weight: too small' },
      { field: 'outputs.next', message: 'leads nowhere' },
    ])
    expect(messages.get('arms.1.weight')).toEqual(['too small'])
    expect(messages.size).toBe(1)
  })
})
