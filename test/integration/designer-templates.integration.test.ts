import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestSystem, type TestSystem } from '../helpers/system'
import { artifact, launchChromium } from '../helpers/browser'

// The template editor as a marketer uses it: the real app (API, Postgres, the SMTP sink) serving
// designer/dist, driven through headless Chromium. Needs `npm run build:designer` first (`npm test` does it).
const MAIL = 'crosssell-hydroclean'

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

// Chromium logs every 4xx answer to fetch as a console error; the test says which ones it expects.
const httpError = (status: number) => new RegExp(`^console: Failed to load resource: the server responded with a status of ${status}\\b`)

async function openPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } })
  const errors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`)
  })
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`))
  return { page, errors }
}

const previewText = (page: Page) => page.frameLocator('[data-testid="template-preview"]').locator('body').innerText()
const lineOfCursor = (page: Page) => page.getByTestId('template-source').evaluate((area: HTMLTextAreaElement) => area.value.slice(0, area.selectionStart).split('\n').length)

describe('template editor', () => {
  it('edits a mail beside its live preview per subsidiary, refuses a broken draft with its line, saves a new version and sends a test', async () => {
    const { page, errors } = await openPage()
    await page.goto(system.designerUrl)
    await page.getByTestId('templates-link').click()
    const item = page.locator(`[data-testid="template-item"][data-kind="mail"][data-key="${MAIL}"]`)
    await item.click()

    // German first (HQ), then the FR subsidiary: French body, FR slogan from its derived template.
    await expect.poll(() => previewText(page), { timeout: 15_000 }).toContain('schön, dass Sie sich für HydroClean interessieren')
    await page.getByTestId('preview-subsidiary').selectOption('FR')
    await expect.poll(() => previewText(page), { timeout: 15_000 }).toContain('Merci de votre intérêt pour HydroClean')
    expect(await previewText(page)).toContain('La puissance hydraulique, la précision allemande')
    expect(await page.getByTestId('preview-subject').textContent()).toMatch(/^HydroClean\s:\sle bon nettoyant/)
    // The sample contact's fields reach the salutation.
    await page.getByTestId('preview-salutation').selectOption('mr')
    await page.getByTestId('preview-last-name').fill('Dupont')
    await expect.poll(() => previewText(page), { timeout: 15_000 }).toContain('Bonjour Monsieur Dupont')

    // Editing the FR source re-renders the preview with the unsaved draft.
    const source = page.getByTestId('template-source')
    const original = await source.inputValue()
    expect(original).toContain('Merci de votre intérêt')
    const edited = `${original}\n<mj-text>Offre réservée à {{ contact.company }}</mj-text>`
    await source.fill(edited)
    await expect.poll(() => previewText(page), { timeout: 15_000 }).toContain('Offre réservée à Muster Maschinenbau GmbH')
    await page.screenshot({ path: artifact('designer-template-editor.png') })

    // An unclosed Liquid tag on the last line: listed with its line, marked in the gutter, save refused.
    const broken = `${edited}\n{% if contact.company %}<mj-text>Société</mj-text>`
    const badLine = broken.split('\n').length
    await source.fill(broken)
    const version = Number(await page.getByTestId('template-version').getAttribute('data-version'))
    await page.getByTestId('template-save').click()
    await expect.poll(() => page.getByTestId('template-save-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('refused')
    const issue = page.getByTestId('template-issue').first()
    expect(await issue.getAttribute('data-line')).toBe(String(badLine))
    expect(await issue.innerText()).toMatch(new RegExp(`line ${badLine}:\\d+.*body\\.fr.*region body`, 's'))
    expect(await page.locator('.source__line--error').allTextContents()).toContain(String(badLine))
    await page.screenshot({ path: artifact('designer-template-error.png') })
    expect(Number(await page.getByTestId('template-version').getAttribute('data-version'))).toBe(version)
    const stored = await system.api(`/api/templates/mails/${MAIL}`)
    expect(stored.body.version).toBe(version)
    expect(stored.body.content.body.fr).not.toContain('{% if')

    // Clicking the problem puts the cursor on its line.
    await source.evaluate((area: HTMLTextAreaElement) => area.setSelectionRange(0, 0))
    await issue.click()
    expect(await lineOfCursor(page)).toBe(badLine)

    // Fixed and saved: the next version, stored through the API.
    await source.fill(edited)
    await expect.poll(() => page.getByTestId('template-issue').count(), { timeout: 15_000 }).toBe(0)
    await page.getByTestId('template-save').click()
    await expect.poll(() => page.getByTestId('template-version').getAttribute('data-version'), { timeout: 15_000 }).toBe(String(version + 1))
    expect(await page.getByTestId('template-save-state').textContent()).toBe(`Saved as version ${version + 1}`)
    const saved = await system.api(`/api/templates/mails/${MAIL}`)
    expect(saved.body.version).toBe(version + 1)
    expect(saved.body.content.body.fr).toContain('Offre réservée à {{ contact.company }}')
    expect(await page.getByTestId('missing-translations').innerText()).toContain('Nothing missing in fr')

    // Test send: the confirmation says what went out, and the SMTP sink has it.
    await page.getByTestId('test-send-to').fill('qa.templates@kessler.example')
    await page.getByTestId('test-send').click()
    const result = page.getByTestId('test-send-result')
    await result.waitFor({ timeout: 15_000 })
    expect(await result.innerText()).toMatch(/Sent “\[TEST\] HydroClean\s:\sle bon nettoyant.*” to qa\.templates@kessler\.example \(fr\)/)
    const [mail] = await system.sink!.waitFor((m) => m.to.includes('qa.templates@kessler.example'), 1, 15_000)
    expect(mail!.subject).toMatch(/^\[TEST\] HydroClean\s:\sle bon nettoyant/)
    expect(mail!.html).toContain('Offre réservée à Muster Maschinenbau GmbH')
    expect(mail!.html).toContain('Bonjour Monsieur Dupont')
    expect(mail!.headers['x-kessler-test-send']).toContain(`${MAIL}; subsidiary=FR; locale=fr`)
    await page.screenshot({ path: artifact('designer-template-test-send.png') })

    // From the mail to the FR derived template: what it overrides, beside the master's defaults.
    await page.getByTestId('open-derived').click()
    const rows = page.getByTestId('override-row')
    await rows.first().waitFor({ timeout: 15_000 })
    const row = (name: string) => page.locator(`[data-testid="override-row"][data-name="${name}"]`)
    expect(await row('slogan').getAttribute('data-overridden')).toBe('true')
    expect(await row('slogan').innerText()).toMatch(/La puissance hydraulique.*Hydraulik mit schwäbischer Präzision/s)
    expect(await row('legal').getAttribute('data-overridden')).toBe('true')
    expect(await row('footer').getAttribute('data-overridden')).toBe('false')
    expect(await page.locator('[data-testid="template-item"][data-kind="subsidiary"][data-key="fr"]').innerText()).toMatch(/overrides (slogan, legal|legal, slogan)/)
    await expect.poll(() => previewText(page), { timeout: 15_000 }).toContain('Kessler Hydraulique France SAS')
    await page.screenshot({ path: artifact('designer-template-overrides.png') })

    expect(errors.filter((error) => !httpError(422).test(error))).toEqual([])
    await page.close()
  })

  it('in German: the master template previewed in a mail for a stored contact, a block in the mails using it', async () => {
    const { page, errors } = await openPage()
    await page.goto(system.designerUrl)
    await page.getByTestId('language').selectOption('de')
    await page.getByTestId('templates-link').click()
    await page.locator('[data-testid="template-item"][data-kind="master"][data-key="corporate"]').click()
    expect(await page.locator('.tpl-editor__title').innerText()).toContain('Master-Vorlage')
    await page.getByTestId('preview-contact-mode').selectOption('stored')
    await page.getByTestId('preview-contact-email').fill('jonas.becker@becker-maschinenbau.example')
    await expect.poll(() => previewText(page), { timeout: 15_000 }).toContain('Herr Becker')

    // Editing the master's slogan changes the preview of every subsidiary that does not override it (DE here).
    const source = page.getByTestId('template-source')
    await source.fill((await source.inputValue()).replace('Hydraulik mit schwäbischer Präzision', 'Hydraulik aus Stuttgart'))
    await expect.poll(() => previewText(page), { timeout: 15_000 }).toContain('Hydraulik aus Stuttgart')
    expect(await page.getByTestId('template-save-state').innerText()).toBe('Ungespeicherte Änderungen')
    await page.screenshot({ path: artifact('designer-template-master-de.png') })

    // Leaving unsaved edits asks first; declining keeps them.
    const block = page.locator('[data-testid="template-item"][data-kind="block"]').first()
    page.once('dialog', (dialog) => void dialog.dismiss())
    await block.click()
    expect(await source.inputValue()).toContain('Hydraulik aus Stuttgart')
    page.once('dialog', (dialog) => void dialog.accept())
    await block.click()
    await expect.poll(() => page.getByTestId('preview-mail').inputValue()).not.toBe('')
    await expect.poll(() => page.getByTestId('preview-pane').getAttribute('data-state'), { timeout: 15_000 }).toBe('ready')
    expect(await page.getByTestId('template-source').inputValue()).toContain('mj-')
    expect(errors).toEqual([])
    await page.close()
  })
})
