import { describe, expect, it } from 'vitest'
import { checkTemplateVersion } from '../../templates/check'
import { createTemplateRenderer } from '../../templates/renderer'
import { missingTranslations } from '../../templates/translations'
import { withItem } from '../../templates/template-set'

// What a save is checked for, on the built-in templates: each problem with the region and the line and
// column in the author's own source.
const set = createTemplateRenderer().builtIn
const fr = set.subsidiaries.get('fr')!.content
const block = set.blocks.get('product-news-hydrostat-3000')!.content

describe('checks before a template version is saved', () => {
  it('accepts the built-in templates as they are', async () => {
    expect(await checkTemplateVersion(set, 'subsidiary', 'fr', fr)).toEqual([])
    expect(await checkTemplateVersion(set, 'block', 'product-news-hydrostat-3000', block)).toEqual([])
  })

  it('places an MJML error in a subsidiary override at its line and column in that override', async () => {
    const salutation = '<mj-text>{{ salutation }},</mj-text>\n   <mj-text align="middle">Merci</mj-text>'
    const issues = await checkTemplateVersion(set, 'subsidiary', 'fr', { ...fr, regions: { ...fr.regions, salutation } })
    expect(issues).toEqual([expect.objectContaining({ region: 'salutation', origin: 'subsidiary fr', field: 'regions.salutation', line: 2, column: 4, subsidiary: 'FR', locale: 'fr' })])
    expect(issues[0]!.message).toContain('align')
  })

  it('places a Liquid error in a block at its line and column, and refuses unknown blocks and regions', async () => {
    const broken = await checkTemplateVersion(set, 'block', 'product-news-hydrostat-3000', { ...block, body: { ...block.body, es: '<mj-text>\n  {{ contact.company | nosuchfilter }}</mj-text>' } })
    expect(broken).toEqual([expect.objectContaining({ region: 'block:product-news-hydrostat-3000', field: 'body.es', line: 2, column: 3 })])

    const mail = set.mails.get('onboarding-welcome')!.content
    const unknownBlock = await checkTemplateVersion(set, 'mail', 'onboarding-welcome', { ...mail, body: { ...mail.body, it: '[% block no-such-news %]' } })
    expect(unknownBlock[0]).toMatchObject({ field: 'body.it', message: 'body.it: no content block "no-such-news"' })

    const typo = await checkTemplateVersion(set, 'subsidiary', 'fr', { ...fr, regions: { sloagn: 'x' } })
    expect(typo[0]).toMatchObject({ field: 'regions.sloagn', region: 'sloagn' })
  })

  it('refuses a master that drops a region subsidiaries override', async () => {
    const master = set.masters.get('corporate')!.content
    const withoutLegal = master.mjml.replace('[% region legal %]', '').replace(/(DE814263597)\[% endregion %\]/, '$1')
    const issues = await checkTemplateVersion(set, 'master', 'corporate', { ...master, mjml: withoutLegal })
    expect(issues.map((issue) => issue.message)).toEqual(expect.arrayContaining([expect.stringContaining('subsidiary FR overrides region "legal"')]))
  })
})

describe('missing translations', () => {
  it('lists what falls back to the master locale, per template and locale', () => {
    const { closing: _closing, ...italian } = set.locales.get('it')!.content
    const mail = set.mails.get('onboarding-welcome')!.content
    const { es: _es, ...subjects } = mail.subject
    const partial = withItem(withItem(set, 'locale', 'it', italian), 'mail', 'onboarding-welcome', { ...mail, subject: subjects })
    expect(missingTranslations(set)).toEqual([])
    const report = missingTranslations(partial)
    expect(report).toContainEqual({ kind: 'locale', key: 'it', locale: 'it', missing: ['closing'], fallsBackTo: 'de' })
    expect(report).toContainEqual({ kind: 'subsidiary', key: 'it', locale: 'it', missing: ['closing'], needsReview: [], fallsBackTo: 'de' })
    expect(report).toContainEqual({ kind: 'mail', key: 'onboarding-welcome', locale: 'es', missing: ['subject'], fallsBackTo: 'de' })
  })
})
