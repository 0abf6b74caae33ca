import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { trigger, waitForEvent } from '../../engine/nodes'
import { CATEGORY_WORDS } from '../../engine/nodes/ui'
import { artifact, launchChromium } from '../helpers/browser'
import { connect, dropStep, step } from '../helpers/designer-canvas'
import { startTestSystem, type TestSystem } from '../helpers/system'

// A German marketer opens the designer: the palette, the step cards, their branch labels and the config
// panel speak German, and every one of those words is the node module's own (engine/nodes/*.ts ui), not
// a copy kept in the designer. Real app and Postgres; headless Chromium. Needs `npm run build:designer`.

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

describe('the designer in German', () => {
  it('shows a node’s panel, card and branches with the German words of its node module', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, locale: 'de-DE' })
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(system.designerUrl)
    await page.getByTestId('language').selectOption('de')
    await page.getByTestId('new-campaign').click()
    await page.getByTestId('new-campaign-name').fill('Deutsche Oberfläche')
    await page.getByTestId('new-campaign-create').click()
    await page.getByTestId('canvas-empty').waitFor()

    // The palette: group and step names from the modules.
    await expect.poll(() => page.locator('.palette__group-label').allTextContents()).toContain(CATEGORY_WORDS.timing.de)
    expect(await page.locator('[data-testid="palette-item"][data-step-type="wait_for_event"]').textContent()).toBe(waitForEvent.ui.label.de)

    await dropStep(page, 'wait_for_event', 420, 120)
    await dropStep(page, 'end', 300, 360)
    await dropStep(page, 'end', 640, 360)
    await connect(page, 'wait-for-event-1', 'event', 'end-1')
    await connect(page, 'wait-for-event-1', 'timeout', 'end-2')

    // The card: label, summary and branch labels in German (the catalogue's "geklickt", durations in German).
    const card = step(page, 'wait-for-event-1')
    expect(await card.locator('.step__label').textContent()).toContain('Auf Verhalten warten')
    expect(await card.locator('.step__summary').textContent()).toBe('click, höchstens 3 Tage')
    expect(await card.locator('.step__output-label').allTextContents()).toEqual(['geklickt', '3 Tage lang nicht geklickt'])
    await expect.poll(() => page.locator('.react-flow__edge-text').allTextContents()).toEqual(expect.arrayContaining(['geklickt', '3 Tage lang nicht geklickt']))

    // The panel: title, description, every field's label and help from the module.
    await card.locator('.step__body').click()
    const panel = page.getByTestId('config-panel')
    await expect.poll(() => panel.getAttribute('data-node-id')).toBe('wait-for-event-1')
    expect(await page.getByTestId('config-title').textContent()).toBe(waitForEvent.ui.label.de)
    expect(await page.getByTestId('config-description').textContent()).toBe(waitForEvent.ui.description.de)
    const fields = waitForEvent.ui.fields
    for (const name of ['eventType', 'filter', 'timeout', 'anyCampaign'] as const) {
      const field = panel.locator(`[data-testid="config-field"][data-field="${name}"]`)
      expect(await field.locator('.field__label').first().textContent()).toBe(fields[name]!.label.de)
      expect(await field.locator('.field__help').first().textContent()).toBe(fields[name]!.help.de)
      expect(await field.getAttribute('data-widget')).toBe(fields[name]!.widget)
    }
    // Its widgets follow the declared kinds: the event type offers the catalogue, "anyCampaign" is a checkbox.
    expect(await page.getByTestId('config-input-eventType').getAttribute('list')).toBe('known-event-types')
    expect(await page.locator('#known-event-types option[value="purchase"]').getAttribute('label')).toBe('Kauf: Der Kontakt hat ein Produkt gekauft (vom Shop oder ERP gemeldet).')
    expect(await page.getByTestId('config-input-anyCampaign').getAttribute('type')).toBe('checkbox')

    // Edited in German, the card follows in German.
    await page.getByTestId('config-input-timeout').fill('1d')
    await expect.poll(() => card.locator('.step__output-label').allTextContents()).toEqual(['geklickt', '1 Tag lang nicht geklickt'])
    await page.screenshot({ path: artifact('designer-node-ui-de.png') })

    // A variant's choices (the trigger's kinds) are the module's words too.
    await dropStep(page, 'trigger', 900, 120)
    await step(page, 'trigger-1').locator('.step__body').click()
    await expect.poll(() => panel.getAttribute('data-node-id')).toBe('trigger-1')
    const kinds = trigger.ui.fields.kind!.choices!
    expect(await page.getByTestId('config-input-kind').locator('option').allTextContents()).toEqual([kinds.event!.de, kinds.date!.de, kinds.inactivity!.de, kinds.segment!.de])
    expect(await panel.locator('[data-testid="config-field"][data-field="reEntry"] .field__label').first().textContent()).toBe('Darf ein Kontakt erneut eintreten?')
    await page.screenshot({ path: artifact('designer-node-ui-de-trigger.png') })
    expect(errors).toEqual([])
    await page.close()
  })
})
