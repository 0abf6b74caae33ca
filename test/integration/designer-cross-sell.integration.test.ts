import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CampaignGraph } from '../../engine/campaign/graph'
import { crossSellGraph } from '../../engine/examples/cross-sell'
import { findNodeType } from '../../engine/nodes'
import { connect, dropStep, step } from '../helpers/designer-canvas'
import { startTestSystem, type TestSystem } from '../helpers/system'
import { artifact, launchChromium } from '../helpers/browser'

// The "done when": a marketer builds the cross-sell example from an empty canvas using only the
// designer (steps dragged from the palette, outputs connected by dragging, settings chosen in the side
// panel: templates and link tags from lists, not typed from memory), publishes it, and the published
// graph is the example's (ids may differ). Then the simulation runs it for a contact picked by name.
// Real app, Temporal worker, Postgres, SMTP sink; headless Chromium. Needs `npm run build:designer` first.

let system: TestSystem
let browser: Browser

beforeAll(async () => {
  system = await startTestSystem({ runWorker: true })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await system?.stop()
})

const shot = (page: Page, name: string) => page.screenshot({ path: artifact(name) })
const input = (page: Page, field: string) => page.getByTestId(`config-input-${field}`)

async function select(page: Page, id: string) {
  await step(page, id).locator('.step__summary').click()
  await expect.poll(() => page.getByTestId('config-panel').getAttribute('data-node-id')).toBe(id)
}

/** A "which link was clicked" wait: add a filter on the link tag, chosen from the mails' link tags. */
async function clickedLink(page: Page, id: string, tag: string) {
  await select(page, id)
  await input(page, 'timeout').fill('1m')
  await page.getByTestId('config-add-filter').click()
  await page.getByTestId('config-key-filter-0').fill('tag')
  // The value is a list of the link tags in the templates, the overview's first.
  const value = page.getByTestId('config-value-filter-0')
  await expect.poll(() => value.evaluate((element) => element.tagName)).toBe('SELECT')
  await value.selectOption(tag)
}

async function addTag(page: Page, id: string, tag: string) {
  await select(page, id)
  await page.getByTestId('config-add-addTags').click()
  await input(page, 'addTags.0').fill(tag)
}

async function chooseTemplate(page: Page, id: string, template: string) {
  await select(page, id)
  await input(page, 'template').selectOption(template)
}

async function goal(page: Page, id: string, product: string) {
  await select(page, id)
  await page.getByTestId('config-add-filter').click()
  await page.getByTestId('config-key-filter-0').fill('product')
  await page.getByTestId('config-value-filter-0').fill(product)
}

/**
 * The graph as ids cannot tell apart: each step named by its path from the trigger (output by output),
 * goals by their config, every config as its node type's schema reads it (defaults filled in).
 */
function canonical(graph: CampaignGraph) {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]))
  const config = (id: string) => {
    const node = byId.get(id)!
    return JSON.stringify({ type: node.type, config: findNodeType(node.type)!.configSchema.parse(node.config) })
  }
  const names = new Map<string, string>()
  const trigger = graph.nodes.find((node) => node.type === 'trigger')!
  const queue: [string, string][] = [[trigger.id, 'trigger']]
  while (queue.length) {
    const [id, name] = queue.shift()!
    if (names.has(id)) continue
    names.set(id, name)
    for (const edge of graph.edges.filter((candidate) => candidate.source === id).sort((a, b) => a.sourceHandle.localeCompare(b.sourceHandle))) {
      queue.push([edge.target, `${name}/${edge.sourceHandle}`])
    }
  }
  return {
    steps: Object.fromEntries([...names].map(([id, name]) => [name, config(id)])),
    edges: graph.edges.map((edge) => `${names.get(edge.source)} -${edge.sourceHandle}-> ${names.get(edge.target)}`).sort(),
    goals: graph.nodes.filter((node) => node.type === 'goal').map((node) => config(node.id)).sort(),
    count: graph.nodes.length,
  }
}

describe('building the cross-sell example in the designer', () => {
  // Twenty steps dragged, seventeen connections and a simulation: minutes on a loaded machine.
  it('builds it from an empty canvas through the UI only, publishes it, and the published campaign is the example', { timeout: 300_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1700, height: 1000 }, locale: 'en-GB' })
    const errors: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`)
    })
    page.on('pageerror', (error) => errors.push(`page: ${error.message}`))
    await page.goto(system.designerUrl)
    await page.getByTestId('new-campaign').click()
    await page.getByTestId('new-campaign-name').fill('Cross-sell after onboarding (built by hand)')
    await page.getByTestId('new-campaign-create').click()
    await page.getByTestId('canvas-empty').waitFor()
    const campaignId = (await page.getByTestId('campaign-item').filter({ hasText: 'built by hand' }).getAttribute('data-campaign-id'))!

    // Twenty steps need room: zoom out to about half size first, as a marketer would.
    const viewport = page.locator('.react-flow__viewport')
    for (let i = 0; i < 4; i++) await page.locator('.react-flow__controls-zoomout').click()
    await expect.poll(async () => Number(/scale\(([\d.]+)\)/.exec((await viewport.getAttribute('style')) ?? '')?.[1])).toBeLessThan(0.55)

    // Dropped on a grid, roughly in the flow's order, right of the palette.
    const grid: [string, number, number][] = [
      ['trigger', 0, 0], ['send_email', 1, 0], ['wait_for_event', 2, 0], ['goal', 3, 0], ['goal', 4, 0],
      ['wait_for_event', 0, 1], ['wait_for_event', 1, 1], ['wait_for_event', 2, 1], ['send_email', 3, 1], ['goal', 4, 1],
      ['update_contact', 0, 2], ['update_contact', 1, 2], ['update_contact', 2, 2], ['end', 3, 2],
      ['send_email', 0, 3], ['send_email', 1, 3], ['send_email', 2, 3],
      ['end', 0, 4], ['end', 1, 4], ['end', 2, 4],
    ]
    for (const [stepType, column, row] of grid) await dropStep(page, stepType, 260 + column * 190, 60 + row * 150)
    await shot(page, 'designer-cross-sell-dropped.png')

    // Outputs connected by dragging from each labelled output to the next step's input.
    const wiring: [string, string, string][] = [
      ['trigger-1', 'next', 'send-email-1'],
      ['send-email-1', 'next', 'wait-for-event-1'],
      ['wait-for-event-1', 'event', 'wait-for-event-2'],
      ['wait-for-event-1', 'timeout', 'send-email-2'],
      ['wait-for-event-2', 'event', 'update-contact-1'],
      ['wait-for-event-2', 'timeout', 'wait-for-event-3'],
      ['wait-for-event-3', 'event', 'update-contact-2'],
      ['wait-for-event-3', 'timeout', 'wait-for-event-4'],
      ['wait-for-event-4', 'event', 'update-contact-3'],
      ['wait-for-event-4', 'timeout', 'send-email-2'],
      ['send-email-2', 'next', 'end-1'],
      ['update-contact-1', 'next', 'send-email-3'],
      ['update-contact-2', 'next', 'send-email-4'],
      ['update-contact-3', 'next', 'send-email-5'],
      ['send-email-3', 'next', 'end-2'],
      ['send-email-4', 'next', 'end-3'],
      ['send-email-5', 'next', 'end-4'],
    ]
    for (const [source, output, target] of wiring) await connect(page, source, output, target)

    // Tidy up, then fill in the settings step by step.
    await page.getByTestId('auto-layout').click()
    await shot(page, 'designer-cross-sell-wired.png')

    await select(page, 'trigger-1')
    await input(page, 'eventType').fill('onboarding_completed')
    await input(page, 'reEntry').selectOption('never')
    await chooseTemplate(page, 'send-email-1', 'crosssell-overview')
    await select(page, 'wait-for-event-1')
    await input(page, 'timeout').fill('5d')
    await clickedLink(page, 'wait-for-event-2', 'cleaning-agents')
    await shot(page, 'designer-cross-sell-link-tag.png')
    await clickedLink(page, 'wait-for-event-3', 'service-kit')
    await clickedLink(page, 'wait-for-event-4', 'hydroscope')
    await addTag(page, 'update-contact-1', 'interest-cleaning-agents')
    await addTag(page, 'update-contact-2', 'interest-service-kit')
    await addTag(page, 'update-contact-3', 'interest-hydroscope')
    await chooseTemplate(page, 'send-email-2', 'crosssell-servicekit')
    await chooseTemplate(page, 'send-email-3', 'crosssell-hydroclean')
    await chooseTemplate(page, 'send-email-4', 'crosssell-servicekit')
    await chooseTemplate(page, 'send-email-5', 'crosssell-hydroscope')
    await goal(page, 'goal-1', 'HydroClean')
    await goal(page, 'goal-2', 'ServiceKit')
    await goal(page, 'goal-3', 'HydroScope')

    // Nothing blocks publishing; the branches read as the marketer meant them.
    await expect.poll(() => page.getByTestId('publish').getAttribute('data-blocking')).toBe('0')
    expect(await step(page, 'wait-for-event-2').textContent()).toContain('tag = cleaning-agents')
    await page.getByTestId('auto-layout').click()
    // Tidy-up keeps every branch in output order: what was clicked on the left, the rest on the right.
    const centreX = async (id: string) => {
      const box = (await step(page, id).boundingBox())!
      return box.x + box.width / 2
    }
    const branches: [string, string][] = [
      ['wait-for-event-2', 'send-email-2'],
      ['update-contact-1', 'wait-for-event-3'],
      ['update-contact-2', 'wait-for-event-4'],
    ]
    await expect
      .poll(async () => {
        const problems: string[] = []
        for (const [clicked, notClicked] of branches) if ((await centreX(clicked)) >= (await centreX(notClicked))) problems.push(`${clicked} not left of ${notClicked}`)
        return problems
      })
      .toEqual([])
    await expect.poll(() => page.getByTestId('save-status').getAttribute('data-state'), { timeout: 10_000 }).toBe('saved')
    await shot(page, 'designer-cross-sell-ready.png')
    await page.getByTestId('publish').click()
    await expect.poll(() => page.getByTestId('publish-result').textContent()).toBe('Version 1 is live')
    await shot(page, 'designer-cross-sell-published.png')

    const published = await system.api(`/api/campaigns/${campaignId}/versions/1`)
    expect(published.status).toBe(200)
    expect(canonical(published.body.graph)).toEqual(canonical(crossSellGraph()))

    // The published campaign runs: a contact picked by company, who never clicks, gets the default offer.
    await page.getByTestId('tab-simulate').click()
    await page.getByTestId('sim-contact').fill('dupont')
    await page.locator('[data-testid="sim-contact-option"][data-email="claire.dupont@dupont-industrie.example"]').click()
    expect(await page.getByTestId('sim-contact').inputValue()).toBe('claire.dupont@dupont-industrie.example')
    await page.getByTestId('sim-source').selectOption('live')
    await page.getByTestId('sim-trigger').fill('product=HydroStat 2000')
    await page.getByTestId('sim-horizon').fill('10d')
    await page.getByTestId('sim-run').click()
    await page.getByTestId('sim-result').waitFor({ timeout: 90_000 })
    const visited = await page.getByTestId('sim-entry').evaluateAll((entries) => entries.map((entry) => entry.getAttribute('data-node-id')))
    expect(visited).toEqual(expect.arrayContaining(['send-email-1', 'wait-for-event-1', 'send-email-2', 'end-1']))
    expect(visited).not.toContain('update-contact-1')
    await shot(page, 'designer-cross-sell-simulated.png')
    expect(errors).toEqual([])
    await page.close()
  })

  it('lists the link tags of each mail template for the "which link was clicked" choice, to callers with a token', async () => {
    const answer = await system.api('/api/link-tags')
    expect(answer.status).toBe(200)
    expect(answer.body.templates).toContainEqual({ id: 'crosssell-overview', tags: ['cleaning-agents', 'service-kit', 'hydroscope'] })
    expect((await system.api('/api/link-tags', { token: null })).status).toBe(401)
  })
})
