import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { validateForPublish } from '../../engine/campaign/validate'
import { exampleCampaigns } from '../../engine/examples'
import { nurtureGraph } from '../../engine/examples/nurture'
import { onboardingGraph } from '../../engine/examples/onboarding'
import { createTemplateRenderer } from '../../templates/renderer'

const renderer = createTemplateRenderer()
const templateIds = new Set(renderer.templateIds())
const examples = [{ name: 'Onboarding after purchase', graph: onboardingGraph() }, ...exampleCampaigns({ aCustomersSegmentId: randomUUID() })]

/** The link tags of a mail (the same in every language; templates.test.ts checks that). */
async function tagsOf(templateId: string): Promise<string[]> {
  const tags: string[] = []
  await renderer.render({
    templateId,
    subsidiary: { code: 'DE', locale: 'de', name: 'Kessler Hydraulik GmbH' },
    contact: { email: 'a@example.de', firstName: 'A', lastName: 'B', salutation: 'ms', company: null, attributes: {} },
    variables: {},
    unsubscribeUrl: 'https://u.example/x',
    trackLink: (url, tag) => (tag && tags.push(tag), url),
  })
  return tags
}

describe.each(examples)('example campaign "$name"', ({ graph }) => {
  it('passes publish validation with the shipped templates', () => {
    const result = validateForPublish(graph, { templateIds })
    expect(result.ok ? [] : result.issues).toEqual([])
  })

  it('waits only for link tags that its own mails carry', async () => {
    const tags = new Set((await Promise.all(graph.nodes.filter((n) => n.type === 'send_email').map((n) => tagsOf(n.config.template as string)))).flat())
    const awaited = graph.nodes.filter((n) => n.type === 'wait_for_event' && (n.config.filter as Record<string, unknown>)?.tag).map((n) => (n.config.filter as { tag: string }).tag)
    for (const tag of awaited) expect(tags, `tag ${tag}`).toContain(tag)
  })

  it('lays its steps out on the canvas without two in the same place', () => {
    const places = graph.nodes.map((n) => `${n.position.x},${n.position.y}`)
    expect(new Set(places).size).toBe(places.length)
  })
})

describe('nurture', () => {
  it('ends the sales-ready path with the sales handover step at handover-point', () => {
    const graph = nurtureGraph()
    expect(graph.nodes.find((n) => n.id === 'handover-point')?.type).toBe('handover')
    expect(graph.edges.find((e) => e.target === 'handover-point')?.source).toBe('sales-ready')
  })
})
