import { describe, expect, it } from 'vitest'
import { compileFast } from '../../templates/fast-liquid'
import { createTemplateRenderer, type MailContact, type RenderRequest } from '../../templates/renderer'

// The compiled fast path must render exactly what liquidjs renders: every built-in mail, in every
// subsidiary and locale, for contacts with missing, hostile and formatted fields.
const fast = createTemplateRenderer()
const reference = createTemplateRenderer({ fastLiquid: false })

const CONTACTS: MailContact[] = [
  { email: 'a@example.com', firstName: 'Anna', lastName: 'Müller', salutation: 'ms', company: 'Müller & Söhne', attributes: { model: 'HydroStat 2000', maintenance_due: '2026-09-01' } },
  { email: 'b@example.com', firstName: null, lastName: null, salutation: null, company: null, attributes: {} },
  { email: 'c@example.com', firstName: '<script>', lastName: `O'Brien "x"`, salutation: 'mr', company: '', attributes: { model: '' } },
]
const SUBSIDIARIES = [
  { code: 'DE', locale: 'de', name: 'Kessler Hydraulik GmbH' },
  { code: 'FR', locale: 'fr', name: 'Kessler Hydraulique France SAS' },
  { code: 'IT', locale: 'it', name: 'Kessler Idraulica Italia S.r.l.' },
  { code: 'ES', locale: 'es', name: 'Kessler Hidráulica España S.L.' },
  { code: 'DE', locale: 'en', name: 'Kessler Hydraulik GmbH' },
]

describe('the compiled Liquid fast path', () => {
  it.each(fast.templateIds())('renders %s exactly as liquidjs does', async (templateId) => {
    for (const subsidiary of SUBSIDIARIES) {
      for (const [i, contact] of CONTACTS.entries()) {
        const request: RenderRequest = {
          templateId,
          subsidiary,
          contact,
          variables: { event: i === 1 ? {} : { product: i === 2 ? '<b>Pump & Co</b>' : 'HydroStat 2000' } },
          trackLink: (url, tag) => `https://t.example/${tag}/${url.length}`,
          unsubscribeUrl: 'https://u.example/x?a=1&b=2',
        }
        expect(await fast.render(request)).toEqual(await reference.render(request))
      }
    }
  })

  it('leaves what it does not know to liquidjs', () => {
    const options = { escape: true, filters: {} }
    expect(compileFast('{% for x in list %}{{ x }}{% endfor %}', options)).toBeNull()
    expect(compileFast('{{ a | truncate: 5 }}', options)).toBeNull()
    expect(compileFast('{%- if a -%}x{% endif %}', options)).toBeNull()
    expect(compileFast('{% if a and b %}x{% endif %}', options)).toBeNull()
    const template = compileFast(`{% if a %}[{{ a | default: 'none' }}]{% elsif b == 'x' %}B{% else %}{{ c.d }}{% endif %}`, options)!
    expect(template({ a: '<&>' })).toBe('[&lt;&amp;&gt;]')
    expect(template({ a: '' })).toBe('[none]') // an empty string is true in Liquid, and default replaces it
    expect(template({ b: 'x' })).toBe('B')
    expect(template({ c: { d: "O'x" } })).toBe('O&#39;x')
    expect(template({ c: Object.create({ d: 'inherited' }) })).toBe('')
  })
})
