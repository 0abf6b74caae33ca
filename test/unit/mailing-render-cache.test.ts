import { describe, expect, it } from 'vitest'
import { mailingContentSchema } from '../../mailings/model'
import { mailingTemplates, renderMailing } from '../../mailings/render'
import { createTemplateRenderer } from '../../templates/renderer'
import { withItem } from '../../templates/template-set'

// A mailing's MJML is compiled once per template versions, language and block set, not per recipient: a
// hundred recipients cost one compile; another language, or HQ's block changed, one more each.
const BLOCK = 'product-news-hydrostat-3000'
const content = mailingContentSchema.parse({
  subject: { fr: 'Nouveautés', de: 'Neuheiten' },
  blocks: [{ kind: 'local', id: 'intro', body: { fr: '<mj-text>Bonjour {{ contact.firstName }}</mj-text>', de: '<mj-text>Hallo {{ contact.firstName }}</mj-text>' } }, { kind: 'global', block: BLOCK }],
})
const mailing = { id: '00000000-0000-0000-0000-0000000000aa', account_id: 'a', name: 'Newsletter', content }
const subsidiary = { code: 'FR', locale: 'fr', name: 'Kessler Hydraulique France' }
const recipient = (i: number) => ({ email: `k${i}@example.fr`, firstName: `Client ${i}`, lastName: null, salutation: null, company: null, attributes: {} })

describe('mailing render cache', () => {
  it('compiles once per language and block set, however many recipients', async () => {
    const renderer = createTemplateRenderer()
    const { set } = await mailingTemplates({ renderer }, mailing)
    const send = (templates: typeof set, locale: string, count: number) =>
      Promise.all(Array.from({ length: count }, (_, i) => renderMailing(renderer, templates, mailing, subsidiary, recipient(i), { locale, unsubscribeUrl: 'https://example.com/u' })))
    const french = await send(set, 'fr', 100)
    expect(renderer.stats().mjmlCompilations).toBe(1)
    expect(french[42]!.html).toContain('Bonjour Client 42')
    await send(set, 'de', 20)
    expect(renderer.stats().mjmlCompilations).toBe(2)
    await send(set, 'fr', 20)
    expect(renderer.stats().mjmlCompilations).toBe(2)
    // HQ changes its block: the next mails compile once more, and carry the change.
    const block = set.blocks.get(BLOCK)!
    const changed = withItem(set, 'block', BLOCK, { ...block.content, body: { ...block.content.body, fr: '<mj-text>Nouveau : HydroStat 3000 Pro</mj-text>' } }, block.version + 1)
    const after = await send(changed, 'fr', 20)
    expect(renderer.stats().mjmlCompilations).toBe(3)
    expect(after[0]!.html).toContain('HydroStat 3000 Pro')
  })
})
