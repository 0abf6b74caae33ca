import { readFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { edge } from '../../engine/examples/layout'
import type { ReceivedMail } from '../../server/smtp-sink'
import { artifact, launchChromium } from '../helpers/browser'
import { startTestSystem, type TestSystem } from '../helpers/system'

// A marketer brings a newsletter written for Mailjet: imports it in the designer, maps its merge tags,
// marks the headline as a region and overrides it for FR and IT, places the product-news block, previews
// each language and sends it in a campaign whose branch names one of its tagged links. The real app, a
// Temporal worker, Postgres and the SMTP sink; headless Chromium. Needs `npm run build:designer` first.
let system: TestSystem
let browser: Browser
beforeAll(async () => {
  system = await startTestSystem()
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await system?.stop()
})

const newsletter = readFileSync(new URL('../fixtures/spring-newsletter.mjml', import.meta.url), 'utf8')
const frame = (page: Page, testId: string) => page.frameLocator(`[data-testid="${testId}"]`).locator('body').innerText()
const to = (address: string) => (mail: ReceivedMail) => mail.to.includes(address)

async function overrideHeadline(page: Page, subsidiary: string, subject: string, headline: string) {
  await page.getByTestId('preview-subsidiary').selectOption(subsidiary)
  await page.getByTestId(`override-from-design-headline`).click()
  const area = page.getByTestId('override-headline')
  await area.fill((await area.inputValue()).replace('Neu im Frühjahr: HydroClean 500', headline))
  await page.getByTestId('template-subject').fill(subject)
  await expect.poll(() => frame(page, 'template-preview'), { timeout: 20_000 }).toContain(headline)
}

describe('bringing a Mailjet newsletter', () => {
  it('imports, maps, derives for FR and IT with a global block, previews per language and sends it in a campaign', async () => {
    const page = await browser.newPage({ viewport: { width: 1500, height: 1100 } })
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(system.designerUrl.replace('/#', '/?view=templates#'))

    // 1. Import: paste the file, see its Mailjet tags with what each becomes, and the preview.
    await page.getByTestId('import-designs').click()
    await page.getByTestId('import-paste').fill(newsletter)
    await page.getByTestId('import-analyse').click()
    const tags = page.getByTestId('merge-tag')
    await expect.poll(() => tags.count(), { timeout: 20_000 }).toBe(3)
    expect(await tags.evaluateAll((rows) => rows.map((row) => [row.getAttribute('data-raw'), (row.querySelector('select') as HTMLSelectElement).value]))).toEqual([
      ['[[FirstName]]', 'contact.firstName'],
      ['{{var:company:"Ihr Unternehmen"}}', 'contact.company'],
      ['[[UNSUB_LINK_DE]]', 'unsubscribeUrl'],
    ])
    // 2. Map: the company tag to the company (chosen again explicitly, as a marketer checking each would).
    await page.locator('[data-testid="merge-tag"][data-raw^="{{var:company"] select').selectOption('contact.company')
    await expect.poll(() => frame(page, 'import-preview'), { timeout: 20_000 }).toContain('Hallo Anna')
    expect(await frame(page, 'import-preview')).toContain('für Muster Maschinenbau GmbH')
    expect(await page.getByTestId('import-warning').allInnerTexts()).toEqual([expect.stringContaining('"Roboto"')])
    await page.screenshot({ path: artifact('design-import-mapping.png'), fullPage: true })
    // 3. Name it and save it as a mail: the editor opens it.
    await page.getByTestId('import-key').fill('spring-newsletter')
    await page.getByTestId('import-save').click()
    await expect.poll(() => page.getByTestId('template-version').getAttribute('data-version'), { timeout: 20_000 }).toBe('1')

    // 4. Mark the headline section as a region, place the product-news block after it, insert the subsidiary footer.
    await page.getByTestId('section-region-name').first().fill('headline')
    await page.getByTestId('section-mark').first().click()
    await expect.poll(() => page.locator('[data-testid="design-section"][data-region="headline"]').count()).toBe(1)
    await page.getByTestId('block-after').selectOption('0')
    await page.getByTestId('block-id').selectOption('product-news-hydrostat-3000')
    await page.getByTestId('block-place').click()
    await page.getByTestId('insert-footer').click()
    await expect.poll(() => frame(page, 'template-preview'), { timeout: 20_000 }).toContain('Neu: HydroStat 3000')

    // 5. FR and IT: their own headline and subject; the block and the footer in their language.
    await overrideHeadline(page, 'FR', 'Les nouveautés du printemps', 'Nouveau ce printemps : HydroClean 500')
    expect(await frame(page, 'template-preview')).toContain('Nouveau : HydroStat 3000')
    expect(await frame(page, 'template-preview')).toContain('RCS Lyon')
    await page.screenshot({ path: artifact('design-import-fr.png'), fullPage: true })
    await overrideHeadline(page, 'IT', 'Le novità di primavera', 'Novità di primavera: HydroClean 500')
    expect(await frame(page, 'template-preview')).toContain('Novità: HydroStat 3000')
    await page.screenshot({ path: artifact('design-import-it.png'), fullPage: true })
    await page.getByTestId('template-save').click()
    await expect.poll(() => page.getByTestId('template-save-state').getAttribute('data-state'), { timeout: 20_000 }).toBe('saved')
    await page.getByTestId('preview-subsidiary').selectOption('DE')
    await expect.poll(() => frame(page, 'template-preview'), { timeout: 20_000 }).toContain('Neu im Frühjahr: HydroClean 500')
    expect(errors).toEqual([])

    // 6. The tagged link is there to branch on, and a campaign sends the mail with tracked links.
    const linkTags = (await system.api('/api/link-tags')).body.templates.find((t: { id: string }) => t.id === 'spring-newsletter')
    expect(linkTags.tags).toContain('spring-offer')
    const graph = {
      nodes: [
        { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, config: { kind: 'event', eventType: 'spring_campaign', filter: {}, reEntry: 'never' } },
        { id: 'newsletter', type: 'send_email', position: { x: 0, y: 140 }, config: { template: 'spring-newsletter' } },
        { id: 'offer-clicked', type: 'wait_for_event', position: { x: 0, y: 280 }, config: { eventType: 'click', filter: { tag: 'spring-offer' }, timeout: '30s' } },
        { id: 'interested', type: 'update_contact', position: { x: 0, y: 420 }, config: { addTags: ['interest-hydroclean'] } },
        { id: 'done', type: 'end', position: { x: 0, y: 560 }, config: {} },
        { id: 'no-click', type: 'end', position: { x: 320, y: 420 }, config: {} },
      ],
      edges: [edge('trigger', 'next', 'newsletter'), edge('newsletter', 'next', 'offer-clicked'), edge('offer-clicked', 'event', 'interested'), edge('offer-clicked', 'timeout', 'no-click'), edge('interested', 'next', 'done')],
    }
    const created = await system.api('/api/campaigns', { body: { name: 'Spring newsletter', graph } })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    const published = await system.api(`/api/campaigns/${created.body.id}/publish`, { method: 'POST' })
    expect(published.status, JSON.stringify(published.body)).toBe(201)

    const claire = 'claire.dupont@dupont-industrie.example'
    const marco = 'marco.rossi@rossi-macchine.example'
    for (const email of [claire, marco]) expect((await system.api('/api/events', { body: { type: 'spring_campaign', contact: { email } } })).status).toBe(202)
    const [fr] = await system.sink!.waitFor(to(claire), 1, 60_000)
    const [it_] = await system.sink!.waitFor(to(marco), 1, 60_000)
    expect(fr!.subject).toBe('Les nouveautés du printemps')
    expect(fr!.html).toContain('Hallo Claire') // the design's own words stay German unless a region says otherwise
    expect(fr!.html).toContain('Nouveau ce printemps : HydroClean 500')
    expect(fr!.html).toContain('Nouveau : HydroStat 3000')
    expect(it_!.subject).toBe('Le novità di primavera')
    expect(it_!.html).toContain('Novità di primavera: HydroClean 500')
    for (const mail of [fr!, it_!]) {
      expect(mail.html).not.toMatch(/mt_tag|fonts\.googleapis|\[\[|\{\{|\*\|/)
      expect(mail.text).toContain('HydroClean 500')
      expect(mail.text).not.toMatch(/mt_tag|\{\{|<mj-/)
    }
    const links = [...fr!.html.matchAll(/href="([^"]*\/t\/c\/[^"]+)"/g)].map((match) => match[1]!.replace(/&amp;/g, '&'))
    expect(links.length).toBeGreaterThanOrEqual(2)
    let offer: string | undefined
    for (const link of links) {
      const response = await fetch(link, { redirect: 'manual' })
      if (response.headers.get('location')?.endsWith('/hydroclean-500/offer')) offer = link
    }
    expect(offer).toBeTruthy()
    // The click on the tagged link takes the branch that names it.
    await expect
      .poll(async () => (await system.sql<{ tags: string[] }[]>`select tags from contacts where email = ${claire}`)[0]!.tags, { timeout: 30_000 })
      .toContain('interest-hydroclean')
    await page.close()
  })
})
