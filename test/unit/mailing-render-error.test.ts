import { describe, expect, it } from 'vitest'
import { renderErrorItems } from '../../mailings/checklist'
import { blockAtLine, mailingContentSchema } from '../../mailings/model'
import { mailingTemplates, renderMailing } from '../../mailings/render'
import { createTemplateRenderer } from '../../templates/renderer'
import { TemplateError } from '../../templates/template-errors'

// A mailing whose Liquid is broken says so in its checklist naming the block the marketer wrote (with the
// line inside that block), not a line of the body the blocks are joined into.
const renderer = createTemplateRenderer()
const content = (broken: string) =>
  mailingContentSchema.parse({
    subject: { fr: 'Nouveautés' },
    blocks: [
      { kind: 'local', id: 'intro', name: 'Introduction', body: { fr: '<mj-text>\n  Bonjour {{ contact.firstName }}\n</mj-text>' } },
      { kind: 'global', block: 'product-news-hydrostat-3000' },
      { kind: 'local', id: 'offre', name: 'Offre du mois', body: { fr: broken } },
    ],
  })

async function renderIssues(mailingContent: ReturnType<typeof content>) {
  const mailing = { id: '00000000-0000-0000-0000-000000000001', account_id: 'a', name: 'Newsletter', content: mailingContent }
  const { set } = await mailingTemplates({ renderer }, mailing)
  const contact = { email: 'claire@example.com', firstName: 'Claire', lastName: null, salutation: null, company: null, attributes: {} }
  try {
    await renderMailing(renderer, set, mailing, { code: 'FR', locale: 'fr', name: 'Kessler France' }, contact, { locale: 'fr', unsubscribeUrl: 'https://example.com/u' })
    return []
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error
    return error.issues
  }
}

describe('a render error in the checklist', () => {
  it('names the local block with the broken Liquid, and the line in it', async () => {
    const broken = content('<mj-text>\n  Votre remise : {{ contact.attributes.discount \n</mj-text>')
    const items = renderErrorItems(broken, 'fr', await renderIssues(broken))
    expect(items).toEqual([
      expect.objectContaining({ kind: 'render_error', severity: 'error', locale: 'fr', block: 'offre', message: expect.stringMatching(/^block "Offre du mois" \(offre\) does not render in fr: line 2, column \d+: .*not closed/) }),
    ])
    const unclosedTag = content('<mj-text>{% if contact.company %}Chère société</mj-text>')
    expect(renderErrorItems(unclosedTag, 'fr', await renderIssues(unclosedTag))).toEqual([expect.objectContaining({ block: 'offre', message: expect.stringContaining('line 1') })])
  })

  it('finds the block by the line of the joined body', () => {
    const joined = content('<mj-text>a</mj-text>')
    expect(blockAtLine(joined, 'fr', 1)).toMatchObject({ block: { id: 'intro' }, line: 1 })
    expect(blockAtLine(joined, 'fr', 3)).toMatchObject({ block: { id: 'intro' }, line: 3 })
    expect(blockAtLine(joined, 'fr', 4)).toMatchObject({ block: { kind: 'global', block: 'product-news-hydrostat-3000' }, line: 1 })
    expect(blockAtLine(joined, 'fr', 5)).toMatchObject({ block: { id: 'offre' }, line: 1 })
    expect(blockAtLine(joined, 'fr', 6)).toBeNull()
  })
})
