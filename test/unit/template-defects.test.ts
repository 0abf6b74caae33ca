import { describe, expect, it } from 'vitest'
import { checkTemplateVersion } from '../../templates/check'
import { createTemplateRenderer, type MailContact } from '../../templates/renderer'
import { TemplateError } from '../../templates/template-errors'
import { withItem, type MailTemplate, type TemplateSet } from '../../templates/template-set'
import { knownVariables, unknownVariables } from '../../templates/variables'

// Regression tests for issue 16's defects, at the level of the template code (the API tests are in
// template-designs.integration.test.ts): what was saved silently broken, or reported in the wrong place.
const renderer = createTemplateRenderer()
const set = renderer.builtIn
const contact: MailContact = { email: 'anna@example.com', firstName: 'Anna', lastName: 'Muster', salutation: 'ms', company: 'Muster GmbH', attributes: {} }
const DE = { code: 'DE', locale: 'de', name: 'Kessler Hydraulik GmbH' }
const FR = { code: 'FR', locale: 'fr', name: 'Kessler Hydraulique France SAS' }

const render = (templates: TemplateSet, subsidiary = DE) => renderer.render({ templateId: 'x', subsidiary, contact, templates, unsubscribeUrl: 'https://example.com/unsubscribe/1' })
async function issuesOf(promise: Promise<unknown>) {
  try {
    await promise
  } catch (error) {
    if (error instanceof TemplateError) return error.issues
    throw error
  }
  throw new Error('expected a TemplateError')
}

describe('1: a complete MJML document as a mail body', () => {
  const document = '<mjml><mj-body><mj-section><mj-column><mj-text>Hello marketer</mj-text></mj-column></mj-section></mj-body></mjml>'
  const mail: MailTemplate = { subject: { de: 'Hallo' }, body: { de: document } }

  it('renders as a standalone design, with the subsidiary footer and unsubscribe link added', async () => {
    expect(await checkTemplateVersion(set, 'mail', 'x', mail)).toEqual([])
    const de = await render(withItem(set, 'mail', 'x', mail))
    expect(de.html).toContain('Hello marketer')
    expect(de.html).toContain('Amtsgericht Stuttgart') // the DE legal block of the master's footer
    expect(de.html).toContain('https://example.com/unsubscribe/1')
    expect(de.text).toContain('Hello marketer')
    const fr = await render(withItem(set, 'mail', 'x', mail), FR)
    expect(fr.html).toContain('RCS Lyon 812 345 678') // FR's own legal override
    expect(fr.html).toMatch(/<html lang="fr"/)
    expect(fr.html).not.toContain('Amtsgericht Stuttgart')
  })

  it('reports an MJML error in the design at its line in the mail body', async () => {
    const broken = '<mjml>\n<mj-body>\n<mj-section><mj-column>\n<mj-text align="middle">Hello</mj-text>\n</mj-column></mj-section></mj-body></mjml>'
    const issues = await checkTemplateVersion(set, 'mail', 'x', { subject: { de: 'x' }, body: { de: broken } })
    expect(issues).toEqual([expect.objectContaining({ origin: 'mail x', field: 'body.de', region: null, line: 4, column: 1 })])
  })
})

describe('2: unknown variables', () => {
  const known = knownVariables(set, ['maintenance_due', 'model'])
  it('names each unknown variable with its position and the closest known one', () => {
    const mail: MailTemplate = { subject: { de: 'Hallo {{ Company }}' }, body: { de: '<mj-text>\nHey {{FirstName}} {{ contact.firstname }}, {{ contact.attributes.maintenace_due }}!</mj-text>' } }
    const warnings = unknownVariables('mail', 'x', mail, known)
    expect(warnings.map(({ field, line, column, variable, suggestion }) => ({ field, line, column, variable, suggestion }))).toEqual([
      { field: 'subject.de', line: 1, column: 10, variable: 'Company', suggestion: 'contact.company' },
      { field: 'body.de', line: 2, column: 7, variable: 'FirstName', suggestion: 'contact.firstName' },
      { field: 'body.de', line: 2, column: 22, variable: 'contact.firstname', suggestion: 'contact.firstName' },
      { field: 'body.de', line: 2, column: 47, variable: 'contact.attributes.maintenace_due', suggestion: 'contact.attributes.maintenance_due' },
    ])
  })

  it('finds nothing to warn about in the built-in templates', () => {
    for (const [id, mail] of set.mails) expect(unknownVariables('mail', id, mail.content, known), id).toEqual([])
    for (const [id, block] of set.blocks) expect(unknownVariables('block', id, block.content, known), id).toEqual([])
    expect(unknownVariables('master', 'corporate', set.masters.get('corporate')!.content, known)).toEqual([])
  })
})

describe("3: errors in a mail's [[ ]] text", () => {
  it('are reported against the mail body of the locale, with its line and column', async () => {
    const mail: MailTemplate = { subject: { fr: 'x', de: 'x' }, body: { de: '<mj-text>a</mj-text>', fr: '<mj-text>a</mj-text>\n<mj-text>[[ t.nosuch ]]</mj-text>' } }
    const issues = await checkTemplateVersion(set, 'mail', 'x', mail)
    expect(issues).toEqual([expect.objectContaining({ origin: 'mail x', region: 'body', field: 'body.fr', locale: 'fr', line: 2, column: 13 })])
  })

  it('names a Mailjet merge tag saved without mapping, at its position, and says what to write', async () => {
    const issues = await checkTemplateVersion(set, 'mail', 'x', { subject: { de: 'x' }, body: { de: '<mj-text>\nHallo [[FirstName]]</mj-text>' } })
    expect(issues).toEqual([expect.objectContaining({ field: 'body.de', line: 2, column: 9 })])
    expect(issues[0]!.message).toContain('{{ contact.firstName }}')
  })
})

describe('4: render errors at the same positions as the save check', () => {
  it('reports a Liquid error in the mail body, not in the compiled HTML', async () => {
    const mail: MailTemplate = { subject: { de: 'x' }, body: { de: '<mj-text>a</mj-text>\n<mj-text>{{ contact.company | nosuch }}</mj-text>' } }
    const saved = await checkTemplateVersion(set, 'mail', 'x', mail)
    const rendered = await issuesOf(render(withItem(set, 'mail', 'x', mail)))
    expect(rendered).toEqual([expect.objectContaining({ origin: 'mail x', region: 'body', field: 'body.de', line: 2, column: 10 })])
    expect(rendered.map(({ field, region, line, column }) => ({ field, region, line, column }))).toEqual(saved.map(({ field, region, line, column }) => ({ field, region, line, column })))
  })

  it('keeps master line numbers after a multi-line region', async () => {
    const master = set.masters.get('corporate')!.content
    const lines = master.mjml.split('\n')
    const closingLine = lines.findIndex((line) => line.includes('[% region closing %]')) + 1
    const broken = { ...master, mjml: master.mjml.replace('[% region closing %]', '<mj-text align="middle">y</mj-text>[% region closing %]') }
    const mail: MailTemplate = { subject: { de: 'x' }, body: { de: '<mj-text>one</mj-text>\n<mj-text>two</mj-text>\n<mj-text>three</mj-text>' } }
    const withMail = withItem(set, 'mail', 'x', mail)
    const saved = await checkTemplateVersion(withMail, 'master', 'corporate', broken)
    const rendered = await issuesOf(render(withItem(withMail, 'master', 'corporate', broken)))
    expect(saved[0]).toMatchObject({ origin: 'master', field: 'mjml', line: closingLine, column: 9 })
    expect(rendered[0]).toMatchObject({ origin: 'master', field: 'mjml', line: closingLine, column: 9 })
  })
})

describe('6: web fonts', () => {
  it('are removed from designs rendered without a font host, never linked from Google', async () => {
    const design = '<mjml>\n<mj-head><mj-font name="Inter" href="https://fonts.googleapis.com/css?family=Inter" /></mj-head>\n<mj-body><mj-section><mj-column><mj-text font-family="Inter, Roboto, Arial">Hallo</mj-text></mj-column></mj-section></mj-body>\n</mjml>'
    const mail = await render(withItem(set, 'mail', 'x', { subject: { de: 'x' }, body: { de: design } }))
    expect(mail.html).toContain('Hallo')
    expect(mail.html).not.toMatch(/googleapis|gstatic/)
    const hosted = await render({ ...withItem(set, 'mail', 'x', { subject: { de: 'x' }, body: { de: design } }), fontBase: 'https://mail.example/fonts/acc' })
    expect(hosted.html).toContain('https://mail.example/fonts/acc/Inter.css')
    expect(hosted.html).toContain('https://mail.example/fonts/acc/Roboto.css')
    expect(hosted.html).not.toMatch(/googleapis|gstatic/)
  })
})
