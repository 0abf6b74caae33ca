import { describe, expect, it } from 'vitest'
import { describeStep } from './steps'
import { nodeTypes } from '../../engine/nodes'
import { fieldUi, say } from './node-ui'

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
    const label = (type: string, path: string, language: 'en' | 'de') => say(fieldUi(nodeTypes[type]!, path)!.label, language)
    expect(label('trigger', 'attribute', 'en')).toBe('date attribute')
    expect(label('trigger', 'audience.0.attribute', 'en')).toBe('attribute')
    expect(label('condition', 'rules.1.attribute', 'de')).toBe('Attribut')
    expect(label('condition', 'branches.0.rules.2.attribute', 'de')).toBe('Attribut')
  })
})

describe('a step card in German', () => {
  it('takes its label, summary and branch labels from the node module', () => {
    const view = describeStep('wait_for_event', { eventType: 'click', filter: { tag: 'demo' }, timeout: '3d' }, 'de')
    expect(view.label).toBe('Auf Verhalten warten')
    expect(view.summary).toBe('click mit tag = demo, höchstens 3 Tage')
    expect(view.outputs).toEqual([
      { id: 'event', label: 'geklickt' },
      { id: 'timeout', label: '3 Tage lang nicht geklickt' },
    ])
    expect(describeStep('condition', { mode: 'yes_no', rules: [{ kind: 'tag', tag: 'x' }] }, 'fr').outputs.map((output) => output.label)).toEqual(['oui', 'non'])
  })

  it('keeps the English summary the engine gives', () => {
    const config = { eventType: 'click', filter: {}, timeout: '3d' }
    expect(describeStep('wait_for_event', config).summary).toBe(nodeTypes.wait_for_event!.summary(nodeTypes.wait_for_event!.configSchema.parse(config)))
  })
})
