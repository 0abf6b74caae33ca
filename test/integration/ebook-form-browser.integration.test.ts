import { createServer, type Server } from 'node:http'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EBOOK_FORM_KEY, MARKETING_CONSENT_V1 } from '../../tracking/seed-forms'
import { startTestSystem, type TestSystem } from '../helpers/system'
import { artifact, launchChromium } from '../helpers/browser'

// The company website as a visitor sees it: a tiny site on another port of localhost (another origin,
// the same site, as www. and the tracking subdomain are in production) with the tracking snippet and the
// e-book form, driven through headless Chromium against the real app, mail and database.
const EMAIL = 'greta.vogel@vogel-umformtechnik.example'

let system: TestSystem
let browser: Browser
let website: Server
let siteUrl: string

function page(base: string, title: string, body: string): string {
  return `<!doctype html><html lang="de"><meta charset="utf-8"><title>${title}</title>
<script async src="${base}/t/snippet.js" data-account="kessler"></script>
<body style="font-family:system-ui;max-width:40rem;margin:2rem auto"><h1>${title}</h1>${body}</body></html>`
}

beforeAll(async () => {
  system = await startTestSystem()
  const base = system.baseUrl
  const form = `<form data-mt-form method="post" action="${base}/f/${EBOOK_FORM_KEY}">
  <p><label>E-Mail <input name="email" type="email" required></label></p>
  <p><label>Vorname <input name="first_name"></label> <label>Nachname <input name="last_name"></label></p>
  <p><label>Firma <input name="company"></label></p>
  <p><label><input type="checkbox" name="consent"> ${MARKETING_CONSENT_V1.de}</label></p>
  <input type="hidden" name="consent_version" value="1">
  <button type="submit">E-Book herunterladen</button></form>`
  const pages: Record<string, string> = {
    '/preise': page(base, 'Preise', '<p>HydroStat 2000 ab 4.900 €</p>'),
    '/ebook': page(base, 'E-Book: Schluss mit Antriebslosigkeit', form),
    '/service': page(base, 'Service', '<p>Wartung und Ersatzteile</p>'),
  }
  website = createServer((req, res) => {
    const html = pages[req.url ?? '']
    res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' }).end(html ?? 'not found')
  })
  await new Promise<void>((resolve) => website.listen(0, '127.0.0.1', resolve))
  siteUrl = `http://localhost:${(website.address() as { port: number }).port}`
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => website?.close(resolve))
  await system?.stop()
})

const visitPaths = async () =>
  (await system.sql<{ path: string }[]>`
    select e.properties->>'path' as path from events e join contacts c on c.id = e.contact_id
    where c.email = ${EMAIL} and e.type = 'visit' order by e.occurred_at`).map((row) => row.path)

describe('e-book form on the company website', () => {
  it('tracks the visit, takes the form, confirms the double opt-in and knows the visitor from then on', async () => {
    const tab = await browser.newPage({ viewport: { width: 1000, height: 700 } })
    const errors: string[] = []
    tab.on('pageerror', (error) => errors.push(error.message))

    await tab.goto(`${siteUrl}/preise`)
    await expect.poll(async () => (await system.sql`select count(*)::int as n from web_visits`)[0]!.n, { timeout: 10_000 }).toBe(1)
    await tab.goto(`${siteUrl}/ebook`)
    // The snippet puts the visitor id into the form once the visit is recorded.
    await expect.poll(() => tab.locator('input[name=visitor_id]').inputValue().catch(() => ''), { timeout: 10_000 }).toMatch(/^[0-9a-f-]{36}$/)
    await tab.fill('input[name=email]', EMAIL)
    await tab.fill('input[name=first_name]', 'Greta')
    await tab.fill('input[name=last_name]', 'Vogel')
    await tab.fill('input[name=company]', 'Vogel Umformtechnik')
    await tab.check('input[name=consent]')
    await tab.click('button[type=submit]')
    await tab.getByRole('heading', { name: 'Vielen Dank!' }).waitFor()
    expect(await tab.textContent('body')).toContain('Bitte bestätigen Sie darin Ihre Anmeldung')
    expect(await tab.getAttribute('#download', 'href')).toMatch(/schluss-mit-antriebslosigkeit\.pdf$/)
    await tab.screenshot({ path: artifact('ebook-form-submitted.png'), fullPage: true })
    // Both pages seen before the form are now the contact's, the pricing page recognisable.
    expect(await visitPaths()).toEqual(['/preise', '/ebook'])

    const [mail] = await system.sink!.waitFor((m) => m.to.includes(EMAIL), 1, 30_000)
    const link = /(http:\/\/\S+\/f\/confirm\/\S+)/.exec(mail!.text)![1]!
    await tab.goto(link)
    await tab.getByRole('heading', { name: /Ihre Anmeldung ist bestätigt/ }).waitFor()
    await tab.screenshot({ path: artifact('double-opt-in-confirmed.png'), fullPage: true })
    expect((await system.sql`select consent_status from contacts where email = ${EMAIL}`)[0]!.consent_status).toBe('granted')

    await tab.goto(`${siteUrl}/service`)
    await expect.poll(visitPaths, { timeout: 10_000 }).toEqual(['/preise', '/ebook', '/service'])
    expect(errors).toEqual([])
  })
})
