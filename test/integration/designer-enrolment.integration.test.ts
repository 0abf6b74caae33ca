import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestSystem, type TestSystem } from '../helpers/system'
import { artifact, launchChromium } from '../helpers/browser'

// Manual enrolment and the campaign controls as a marketer uses them in the designer: the real app
// (API, Postgres, Temporal with a worker, SMTP sink) serving designer/dist, driven through headless
// Chromium. Needs `npm run build:designer` first (`npm test` does it). The steps build on each other:
// contacts enrolled in the first tests are the ones paused, resumed and stopped in the last.
const ONBOARDING = 'Onboarding after purchase'

const claire = 'claire.dupont@dupont-industrie.example'
const csvContacts = [
  'jonas.becker@becker-maschinenbau.example',
  'anna.schmidt@schmidt-pressen.example',
  'marco.rossi@rossi-macchine.example',
  'giulia.bianchi@bianchi-stampi.example',
]

let system: TestSystem
let browser: Browser
let campaignId: string

beforeAll(async () => {
  system = await startTestSystem()
  browser = await launchChromium()
  const { body } = await system.api('/api/campaigns')
  campaignId = (body.campaigns as { id: string; name: string }[]).find((campaign) => campaign.name === ONBOARDING)!.id
})

afterAll(async () => {
  await browser?.close()
  await system?.stop()
})

// Chromium logs every 4xx answer to fetch as a console error; the tests say which ones they expect.
const httpError = (status: number) => new RegExp(`^console: Failed to load resource: the server responded with a status of ${status}\\b`)

/** The designer with the onboarding campaign open; console errors and uncaught exceptions are collected. */
async function openOnboarding(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
  const errors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`)
  })
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`))
  await page.goto(system.designerUrl)
  await page.getByTestId('campaign-item').filter({ hasText: ONBOARDING }).click()
  await page.getByTestId('campaign-status').waitFor()
  return { page, errors }
}

async function openEnrolPanel(page: Page): Promise<void> {
  await expect.poll(() => page.getByTestId('enrol-open').isEnabled()).toBe(true)
  await page.getByTestId('enrol-open').click()
  await page.getByTestId('enrol-panel').waitFor()
}

const activeEnrolments = async () => {
  const { body } = await system.api(`/api/campaigns/${campaignId}/enrolments?status=active&limit=500`)
  return (body.enrolments as { contact: { email: string } }[]).map((enrolment) => enrolment.contact.email).sort()
}

describe('enrolling contacts and controlling a campaign in the designer', () => {
  it('enrols one contact by e-mail, and says so when they are already in the campaign', async () => {
    const { page, errors } = await openOnboarding()
    await openEnrolPanel(page)
    const result = page.getByTestId('enrol-result')

    await page.getByTestId('enrol-email').fill(claire)
    await page.getByTestId('enrol-submit').click()
    await expect.poll(() => result.getAttribute('data-state'), { timeout: 15_000 }).toBe('enrolled')
    expect(await result.textContent()).toBe(`${claire} is now in the campaign.`)
    expect(await activeEnrolments()).toEqual([claire])

    await page.getByTestId('enrol-email').fill(claire)
    await page.getByTestId('enrol-submit').click()
    await expect.poll(() => result.getAttribute('data-state'), { timeout: 15_000 }).toBe('refused')
    expect(await result.textContent()).toBe(`${claire} is already in the campaign, so nothing changed.`)
    expect(await activeEnrolments()).toEqual([claire])

    expect(errors.filter((error) => !httpError(409).test(error))).toEqual([])
    expect(errors).toHaveLength(1)
    await page.close()
  })

  it('uploads a CSV file, follows the job to 100 % and lists the skipped lines', async () => {
    const { page, errors } = await openOnboarding()
    await openEnrolPanel(page)
    await page.getByTestId('enrol-mode-csv').click()
    const folder = await mkdtemp(join(tmpdir(), 'designer-enrolment-'))
    const result = page.getByTestId('enrol-result')

    // A file without an "email" column is refused, in a sentence naming the line.
    const withoutEmail = join(folder, 'without-email.csv')
    await writeFile(withoutEmail, 'name;firma\nJonas Becker;Becker Maschinenbau\n')
    await page.getByTestId('enrol-csv').setInputFiles(withoutEmail)
    await page.getByTestId('enrol-submit').click()
    await expect.poll(() => result.getAttribute('data-state'), { timeout: 15_000 }).toBe('failed')
    expect(await result.textContent()).toBe('Line 1: the header has no "email" column (found: "name", "firma").')

    // Line 1 is the header; 4 known contacts, a malformed address (4), an unknown one (6), a repeat (8).
    const upload = join(folder, 'contacts.csv')
    const [jonas, anna, marco, giulia] = csvContacts as [string, string, string, string]
    await writeFile(upload, ['email,name', `${jonas},Jonas`, `${anna},Anna`, 'not-an-address,X', `${marco},Marco`, 'nobody@unbekannt.example,Y', `${giulia},Giulia`, `${jonas.toUpperCase()},Again`, ''].join('\n'))
    await page.getByTestId('enrol-csv').setInputFiles(upload)
    await page.getByTestId('enrol-submit').click()

    const progress = page.getByTestId('enrol-progress')
    await progress.waitFor()
    expect(await progress.getAttribute('aria-valuemax')).toBe('7')
    await expect.poll(() => result.getAttribute('data-state'), { timeout: 60_000 }).toBe('done')
    expect(await progress.getAttribute('aria-valuenow')).toBe('7')
    expect(await result.locator('.job__percent').textContent()).toBe('100 %')
    expect(await page.getByTestId('enrol-enrolled').textContent()).toBe('4 enrolled')
    expect(await page.getByTestId('enrol-skipped').textContent()).toBe('3 skipped')
    expect(await result.innerText()).toContain('4 contacts enrolled, 3 rows skipped.')

    const skipped = await result.getByTestId('enrol-skipped-row').evaluateAll((rows) =>
      rows.map((row) => ({ line: row.getAttribute('data-line'), reason: row.getAttribute('data-reason'), text: (row as HTMLElement).innerText.replace(/\s+/g, ' ').trim() })),
    )
    expect(skipped).toEqual([
      { line: '4', reason: 'invalid_row', text: '4 "not-an-address" is not an e-mail address.' },
      { line: '6', reason: 'unknown_contact', text: '6 nobody@unbekannt.example No such contact in your subsidiaries.' },
      { line: '8', reason: 'duplicate_row', text: `8 ${jonas.toUpperCase()} is already on line 2.` },
    ])
    const reasons = await result.locator('.job__reasons li').allInnerTexts()
    expect(reasons.map((text) => text.replace(/\s+/g, ' '))).toEqual(
      expect.arrayContaining(['not an e-mail address 1', 'no such contact 1', 'repeated in the file 1']),
    )
    await page.screenshot({ path: artifact('designer-enrol-progress.png') })

    // Really enrolled, through the API.
    expect(await activeEnrolments()).toEqual([claire, ...csvContacts].sort())

    expect(errors.filter((error) => !httpError(400).test(error))).toEqual([])
    expect(errors).toHaveLength(1)
    await page.close()
    await rm(folder, { recursive: true, force: true })
  })

  it('enrols a saved segment, skipping who is in the campaign already', async () => {
    const segment = await system.api('/api/segments', { body: { name: 'France', filter: { match: 'all', rules: [{ kind: 'subsidiary', codes: ['FR'] }] } } })
    expect(segment.status).toBe(201)
    const { page, errors } = await openOnboarding()
    await openEnrolPanel(page)
    await page.getByTestId('enrol-mode-segment').click()
    await page.getByTestId('enrol-segment').selectOption({ label: 'France' })
    await expect.poll(() => page.getByTestId('enrol-segment-count').textContent()).toBe('Matches 3 contacts now.')
    await page.getByTestId('enrol-submit').click()

    const result = page.getByTestId('enrol-result')
    await expect.poll(() => result.getAttribute('data-state'), { timeout: 60_000 }).toBe('done')
    expect(await page.getByTestId('enrol-progress').getAttribute('aria-valuenow')).toBe('3')
    expect(await page.getByTestId('enrol-enrolled').textContent()).toBe('2 enrolled')
    const skipped = result.getByTestId('enrol-skipped-row')
    expect(await skipped.count()).toBe(1)
    expect(await skipped.getAttribute('data-reason')).toBe('already_in_campaign')
    expect(await skipped.innerText()).toContain(claire)
    expect(await activeEnrolments()).toHaveLength(7)
    expect(errors).toEqual([])
    await page.close()
  })

  it('pauses, resumes and stops the campaign after confirming, with the number of contacts concerned', async () => {
    const { page, errors } = await openOnboarding()
    const dialog = page.getByTestId('confirm-dialog')
    const badge = page.getByTestId('campaign-status')
    const listItem = page.getByTestId('campaign-item').filter({ hasText: ONBOARDING })
    const detail = async () => (await system.api(`/api/campaigns/${campaignId}`)).body as { status: string; activeEnrolments: number }

    // Pause: the dialog counts the contacts in the campaign, as the API does.
    const before = await detail()
    expect(before).toMatchObject({ status: 'live', activeEnrolments: 7 })
    await page.getByTestId('campaign-control-pause').click()
    await dialog.getByTestId('confirm-affected').waitFor()
    expect(await dialog.getByTestId('confirm-affected').textContent()).toBe(String(before.activeEnrolments))
    expect(await dialog.innerText()).toContain('No mail goes out; waits continue; new contacts still enter and wait.')
    // Cancel changes nothing.
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => dialog.count()).toBe(0)
    expect((await detail()).status).toBe('live')

    await page.getByTestId('campaign-control-pause').click()
    await dialog.getByTestId('confirm-affected').waitFor()
    await dialog.getByTestId('confirm-ok').click()
    await expect.poll(() => badge.textContent(), { timeout: 15_000 }).toBe('Paused')
    await expect.poll(() => listItem.textContent()).toContain('Paused')
    expect(await page.getByTestId('campaign-control-result').textContent()).toBe('Paused: mail for 7 contacts is held until you resume.')
    expect(await detail()).toMatchObject({ status: 'paused', activeEnrolments: 7 })
    expect(await page.getByTestId('campaign-control-pause').count()).toBe(0)
    expect(await page.getByTestId('enrol-open').isEnabled()).toBe(true)

    // Resume.
    await page.getByTestId('campaign-control-resume').click()
    await dialog.getByTestId('confirm-affected').waitFor()
    expect(await dialog.getByTestId('confirm-affected').textContent()).toBe('7')
    await dialog.getByTestId('confirm-ok').click()
    await expect.poll(() => badge.textContent(), { timeout: 15_000 }).toBe('Live')
    await expect.poll(() => listItem.textContent()).toContain('Live')
    expect((await detail()).status).toBe('live')

    // Stop: everyone leaves, at once.
    await page.getByTestId('campaign-control-stop').click()
    await dialog.getByTestId('confirm-affected').waitFor()
    expect(await dialog.getByTestId('confirm-affected').textContent()).toBe(String((await detail()).activeEnrolments))
    expect(await dialog.innerText()).toContain('All 7 contacts leave the campaign now')
    expect(await dialog.innerText()).toContain('This cannot be undone; publish again to restart it.')
    await page.screenshot({ path: artifact('designer-confirm-stop.png') })
    await dialog.getByTestId('confirm-ok').click()
    await expect.poll(() => badge.textContent(), { timeout: 15_000 }).toBe('Stopped')
    await expect.poll(() => listItem.textContent()).toContain('Stopped')
    expect(await page.getByTestId('campaign-control-result').textContent()).toBe('Stopped: 7 contacts left the campaign.')
    expect(await page.getByTestId('enrol-open').isDisabled()).toBe(true)
    expect(await page.locator('[data-testid^="campaign-control-"]:not([data-testid="campaign-control-result"])').count()).toBe(0)

    await expect.poll(activeEnrolments, { timeout: 30_000, interval: 250 }).toEqual([])
    const { body } = await system.api(`/api/campaigns/${campaignId}/enrolments?limit=500`)
    expect(body.enrolments).toHaveLength(7)
    for (const enrolment of body.enrolments) expect(enrolment).toMatchObject({ status: 'exited', exitReason: 'campaign_stopped' })
    expect((await detail()).activeEnrolments).toBe(0)

    expect(errors).toEqual([])
    await page.close()
  })
})
