import { describe, expect, it } from 'vitest'
import { describeStep } from './steps'
import { configFieldLabel } from './field-labels'

describe('a step card while its settings are being typed', () => {
  it('keeps showing the valid fields: a half-written audience rule does not turn the trigger into the default purchase trigger', () => {
    const view = describeStep('trigger', { kind: 'event', eventType: 'handover_rejected', filter: {}, audience: [{ kind: 'attribute', attribute: '', operator: 'equals' }] })
    expect(view.configValid).toBe(false)
    expect(view.summary).toContain('handover_rejected')
    expect(view.summary).not.toContain('purchase')
  })

  it('falls back to the defaults only when nothing else parses', () => {
    const view = describeStep('wait', { duration: 'soon' })
    expect(view.configValid).toBe(false)
    expect(view.summary).toBe('wait 3 days')
  })
})

describe('field labels', () => {
  it("names a rule's attribute plainly and a date trigger's as a date", () => {
    expect(configFieldLabel('en', 'attribute', 'attribute')).toBe('date attribute')
    expect(configFieldLabel('en', 'attribute', 'audience.0.attribute')).toBe('attribute')
    expect(configFieldLabel('de', 'attribute', 'rules.1.attribute')).toBe('Attribut')
  })
})
