import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CampaignGraph } from '../../engine/campaign/graph'
import { startTestSystem, type TestSystem } from '../helpers/system'
import { artifact, launchChromium } from '../helpers/browser'

// The designer as a marketer uses it: the real app (API, Postgres, Temporal) serving designer/dist, driven
// through headless Chromium. Needs `npm run build:designer` first (`npm test` does it).

let system: TestSystem
let browser: Browser

beforeAll(async () => {
  system = await startTestSystem({ runWorker: false })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await system?.stop()
})

/** A page whose console errors and uncaught exceptions are collected, to be asserted empty. */
async function openPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
  const errors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`)
  })
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`))
  return { page, errors }
}

/** Waits until the canvas stops moving (focusing a step animates the viewport). */
async function viewportSettled(page: Page): Promise<void> {
  const transform = () => page.locator('.react-flow__viewport').evaluate((element) => getComputedStyle(element).transform)
  let previous = await transform()
  for (;;) {
    await page.waitForTimeout(150)
    const current = await transform()
    if (current === previous) return
    previous = current
  }
}

describe('campaign designer', () => {
  it('shows the onboarding campaign as a graph, saves a moved step through the API', async () => {
    const { page, errors } = await openPage()
    await page.goto(system.designerUrl)
    // The token moves from the address bar into sessionStorage.
    await expect.poll(() => page.url()).not.toContain('token=')

    const item = page.getByTestId('campaign-item').filter({ hasText: 'Onboarding after purchase' })
    await item.waitFor()
    await expect.poll(() => item.textContent()).toMatch(/Live.*Version 1/)
    const campaignId = await item.getAttribute('data-campaign-id')
    await item.click()

    const nodes = page.getByTestId('campaign-node')
    await expect.poll(() => nodes.count()).toBeGreaterThanOrEqual(6)
    const canvasText = await page.locator('.react-flow').innerText()
    expect(canvasText).toContain('onboarding-welcome')
    expect(canvasText).toContain('clicked')
    expect(canvasText).toContain('not clicked within 3 days')
    // Branch labels also sit on the edges themselves.
    const edgeLabels = await page.locator('.react-flow__edge-text').allTextContents()
    expect(edgeLabels).toEqual(expect.arrayContaining(['clicked', 'not clicked within 3 days']))
    await expect.poll(() => page.getByTestId('save-status').getAttribute('data-state')).toBe('saved')

    // Drag the reminder step 120 px right and 40 px down (screen pixels; the canvas is zoomed to fit).
    const reminder = page.locator('[data-testid="campaign-node"][data-node-id="reminder"] .step__body')
    const box = (await reminder.boundingBox())!
    const zoom = await page.locator('.react-flow__viewport').evaluate((element) => new DOMMatrix(getComputedStyle(element).transform).a)
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2 + 20, { steps: 5 })
    await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2 + 40, { steps: 5 })
    await page.mouse.up()
    await expect.poll(() => page.getByTestId('save-status').textContent()).toBe('Unsaved changes')

    // Autosave: the draft is saved a moment after the last edit, without pressing "Save draft".
    await expect.poll(() => page.getByTestId('save-status').getAttribute('data-state'), { timeout: 10_000 }).toBe('saved')
    expect(await page.getByTestId('save-status').textContent()).toMatch(/^Saved \d\d:\d\d$/)

    // The draft really went back through the API: the stored position moved by the drag (snapped to 10).
    const { status, body } = await system.api(`/api/campaigns/${campaignId}`)
    expect(status).toBe(200)
    const moved = (body.draft as CampaignGraph).nodes.find((node) => node.id === 'reminder')!
    expect(Math.abs(moved.position.x - (460 + 120 / zoom))).toBeLessThanOrEqual(10)
    expect(Math.abs(moved.position.y - (420 + 40 / zoom))).toBeLessThanOrEqual(10)
    expect((body.draft as CampaignGraph).edges).toHaveLength(6)

    await page.screenshot({ path: artifact('designer-onboarding.png') })
    expect(errors).toEqual([])
    await page.close()
  })

  it('lists publish issues, focuses their step, and publishes once they are fixed', async () => {
    const { page, errors } = await openPage()
    await page.goto(system.designerUrl)
    await page.getByTestId('campaign-item').filter({ hasText: 'Onboarding after purchase' }).click()
    const step = (id: string) => page.locator(`[data-testid="campaign-node"][data-node-id="${id}"]`)
    await step('done-reminded').waitFor()

    // Delete the reminder branch's End step: the reminder's output now leads nowhere.
    await step('done-reminded').click()
    await page.keyboard.press('Delete')
    await expect.poll(() => step('done-reminded').count()).toBe(0)
    await page.getByTestId('publish').click()
    const issues = page.getByTestId('publish-issues')
    await issues.waitFor()
    const issue = issues.getByTestId('publish-issue').filter({ hasText: 'leads nowhere' })
    expect(await issue.getAttribute('data-node-id')).toBe('reminder')
    await issue.click()
    await expect.poll(() => step('reminder').getAttribute('class')).toContain('step--selected')
    await viewportSettled(page)
    await page.screenshot({ path: artifact('designer-publish-issues.png') })
    // Publishing saved the canvas first, so the stored draft lacks the deleted step.
    await expect.poll(() => page.getByTestId('save-status').getAttribute('data-state')).toBe('saved')

    // Add a new End step from the palette and connect the reminder to it by dragging between handles.
    await page.locator('[data-testid="palette-item"][data-step-type="end"]').click()
    await step('end-1').waitFor()
    await viewportSettled(page)
    const from = (await step('reminder').locator('.react-flow__handle.source').boundingBox())!
    const to = (await step('end-1').locator('.react-flow__handle.target').boundingBox())!
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2)
    await page.mouse.down()
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 10 })
    await page.mouse.up()
    // Counted by name, not all edges: the canvas draws only the edges in view.
    await expect.poll(() => page.locator('.react-flow__edge[aria-label="Edge from reminder to end-1"]').count()).toBe(1)

    await page.getByTestId('publish').click()
    await expect.poll(() => page.getByTestId('publish-result').textContent()).toBe('Version 2 is live')
    expect(await page.getByTestId('publish-issues').count()).toBe(0)
    await expect.poll(() => page.getByTestId('campaign-item').filter({ hasText: 'Onboarding after purchase' }).textContent()).toContain('Version 2')

    const { body } = await system.api(`/api/campaigns/${await page.getByTestId('campaign-item').first().getAttribute('data-campaign-id')}`)
    expect(body.liveVersion.version).toBe(2)
    expect((body.draft as CampaignGraph).edges).toContainEqual(expect.objectContaining({ source: 'reminder', sourceHandle: 'next', target: 'end-1' }))
    await page.screenshot({ path: artifact('designer-published.png') })
    // The designer runs publishing's own validation first, so the refused draft never reaches the server.
    expect(errors).toEqual([])
    await page.close()
  })

  it('shows a visitor without a session or key the sign-in page', async () => {
    const { page, errors } = await openPage()
    await page.goto(system.baseUrl)
    await page.getByTestId('sign-in').waitFor()
    expect(await page.locator('h1').innerText()).toBe('Sign in to Kessler Campaigns')
    expect(errors).toEqual([])
    await page.close()
  })
})
