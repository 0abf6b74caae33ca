import { describe, expect, it } from 'vitest'
import { contentChecks, plainTextCheck } from '../../mailings/checklist'
import { mailingContentSchema } from '../../mailings/model'
import { createTemplateRenderer } from '../../templates/renderer'

// The checklist before sending: what a mailing lacks per language, and an (almost) empty plain-text part.
const builtIn = createTemplateRenderer().builtIn

describe('the mailing checklist', () => {
  it('lists the texts missing in a language the mailing is written in, and a block HQ has not got', () => {
    const content = mailingContentSchema.parse({
      subject: { fr: 'Nouveautés', de: 'Neuheiten' },
      preheader: { fr: 'Le HydroStat 3000' },
      blocks: [
        { kind: 'local', id: 'intro', body: { fr: '<mj-text>Bonjour</mj-text>' } },
        { kind: 'global', block: 'product-news-hydrostat-3000' },
        { kind: 'global', block: 'no-such-block' },
      ],
    })
    const items = contentChecks(content, builtIn, 'fr')
    expect(items.filter((item) => item.kind === 'missing_translation').map((item) => [item.locale, item.block ?? 'preheader'])).toEqual([
      ['de', 'preheader'],
      ['de', 'intro'],
    ])
    expect(items).toContainEqual(expect.objectContaining({ kind: 'unknown_block', severity: 'error', block: 'no-such-block' }))
    // The subsidiary's own language without a subject refuses sending.
    expect(contentChecks(mailingContentSchema.parse({ subject: { de: 'Neuheiten' }, blocks: content.blocks.slice(0, 1) }), builtIn, 'fr')).toContainEqual(
      expect.objectContaining({ kind: 'no_subject', severity: 'error', locale: 'fr' }),
    )
  })

  it('warns about an (almost) empty plain-text part only', () => {
    expect(plainTextCheck('  Bonjour  ', 'fr')).toEqual([expect.objectContaining({ kind: 'missing_plain_text', locale: 'fr' })])
    expect(plainTextCheck('Bonjour Claire, voici nos nouveautés de décembre : le HydroStat 3000.', 'fr')).toEqual([])
  })
})
