import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { artifact, launchChromium } from '../helpers/browser'
import { startTestSystem, type TestSystem } from '../helpers/system'

// The duplicates view and the contact's 360° profile in headless Chromium (needs `npm run build:designer`,
// which `npm test` runs first): a look-alike from a CSV import is merged by a person in German, and the
// kept contact's profile (in French) shows where its values came from, its score history as a chart and
// the merge. Screenshots go to test/artifacts/.
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

describe('duplicates and the 360° profile', () => {
  it('a person merges a look-alike in the duplicates view; the profile shows provenance, score history and the merge', async () => {
    const first = await system.api('/api/events', { body: { type: 'visit', contact: { email: 'lena.lang@lang-antriebe.example', subsidiary: 'DE', firstName: 'Lena', lastName: 'Lang', company: 'Lang Antriebe GmbH', attributes: { postal_code: '80331' } }, properties: { path: '/de/preise' } } })
    expect(first.status).toBe(202)
    const lenaId = first.body.contactId as string
    for (const url of ['https://kessler-hydraulik.example/hydrostat', 'https://kessler-hydraulik.example/service']) await system.api('/api/events', { body: { type: 'click', contact: { email: 'lena.lang@lang-antriebe.example' }, properties: { url } } })
    const csv = 'email,first_name,last_name,company,postal_code\r\nl.lang@lang-antriebe.example,Lena,Lang,Lang Antriebe,80331\r\n'
    const dry = await system.api('/api/contact-imports', { body: { csv, mapping: { email: 'email', firstName: 'first_name', lastName: 'last_name', company: 'company', postalCode: 'postal_code' } } })
    expect(dry.body.import.summary).toMatchObject({ duplicates: 1 })
    expect((await system.api(`/api/contact-imports/${dry.body.import.id}/commit`, { method: 'POST' })).status).toBe(200)
    await expect.poll(async () => (await system.sql`select count(*)::int as n from score_changes where contact_id = ${lenaId}`)[0]!.n, { timeout: 20_000 }).toBeGreaterThanOrEqual(1)

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(`${system.baseUrl}/?view=duplicates&lang=de#token=${await system.token()}`)
    const suggestion = page.getByTestId('duplicate-suggestion')
    await expect.poll(() => suggestion.count(), { timeout: 10_000 }).toBe(1)
    const text = await suggestion.innerText()
    expect(text).toContain('gleicher Name, Firma und PLZ')
    expect(text).toContain('l.lang@lang-antriebe.example')
    expect(text).toContain('80331')
    // Lena's 360° profile lists the same suggestion, with the look-alike's address, while it is open.
    const before = await system.api(`/api/contacts/${lenaId}/profile`)
    expect(before.body.duplicates).toEqual([expect.objectContaining({ rule: 'fuzzy', otherEmail: 'l.lang@lang-antriebe.example' })])
    await page.screenshot({ path: artifact('duplicates-view.png'), fullPage: true })
    // Keep the contact with the history (the first card of the pair whose e-mail is Lena's main address).
    const keep = suggestion.locator('.people__candidate', { hasText: 'lena.lang@lang-antriebe.example' }).getByRole('button', { name: 'Diesen behalten' })
    await keep.click()
    await expect.poll(() => page.getByRole('status').innerText(), { timeout: 10_000 }).toContain('lena.lang@lang-antriebe.example')
    await expect.poll(() => suggestion.count()).toBe(0)

    await page.goto(`${system.baseUrl}/?view=contacts&contact=${lenaId}&lang=fr#token=${await system.token()}`)
    const profile = page.getByTestId('contact-profile')
    await expect.poll(() => profile.innerText(), { timeout: 10_000 }).toContain('Attributs et leur origine')
    const shown = await profile.innerText()
    expect(shown).toContain('Fusionnés dans ce contact')
    expect((await system.api(`/api/contacts/${lenaId}/profile`)).body.duplicates).toEqual([])
    expect(shown).toContain('l.lang@lang-antriebe.example')
    // Where each value came from: the look-alike's imported values came along with the merge, marked CSV.
    expect(shown).toMatch(/postalCode\s+80331\s+csv/i)
    // The score history is an ECharts line chart (the library reporting uses) with both scores: pixels of
    // the profile line's blue and the activity line's red are on its canvas.
    await expect.poll(() => page.locator('[data-testid="score-chart"] canvas').count(), { timeout: 10_000 }).toBeGreaterThan(0)
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))
    const drawn = await page.locator('[data-testid="score-chart"] canvas').first().evaluate((canvas: HTMLCanvasElement) => {
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height)
      let blue = 0
      let red = 0
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!]
        if (Math.abs(r - 0x1d) < 24 && Math.abs(g - 0x4e) < 24 && Math.abs(b - 0xd8) < 24) blue++
        if (Math.abs(r - 0xdc) < 24 && Math.abs(g - 0x26) < 24 && Math.abs(b - 0x26) < 24) red++
      }
      return { blue, red }
    })
    expect(drawn.blue).toBeGreaterThan(20)
    expect(drawn.red).toBeGreaterThan(20)
    await page.screenshot({ path: artifact('contact-360.png'), fullPage: true })
    expect(errors).toEqual([])
  })

  it('a person imports a CSV through the column mapping, sees the dry run and the progress bar, then finds the contacts with filters and saves them as a segment', async () => {
    const csv = [
      'E-Mail;Vorname;Nachname;Firma;PLZ;Land;Einwilligung;Herkunft der Einwilligung',
      'ines.iglesias@iglesias-hidraulica.example;Inés;Iglesias;Iglesias Hidráulica;28001;ES;ja;Feria Bilbao 2026',
      'pablo.ruiz@ruiz-hidraulica.example;Pablo;Ruiz;Ruiz Hidráulica;;ES;;',
      'kaputt.example;Karl;Kaputt;Kaputt KG;;DE;;',
      'ines.iglesias@iglesias-hidraulica.example;Inés;Iglesias;Iglesias Hidráulica;28001;ES;ja;Feria Bilbao 2026',
    ].join('\r\n')
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(`${system.baseUrl}/?view=import&lang=es#token=${await system.token()}`)
    await page.getByTestId('import-file').setInputFiles({ name: 'feria.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
    const mapping = page.getByTestId('import-mapping')
    await expect.poll(() => mapping.count(), { timeout: 10_000 }).toBe(1)
    // Guessed from the header; the consent source column has a name no guess knows, so the person maps it.
    expect(await page.getByLabel('E-mail (obligatorio)').inputValue()).toBe('E-Mail')
    expect(await page.getByLabel('Consentimiento (sí/no)').inputValue()).toBe('Einwilligung')
    expect(await page.getByLabel('Origen del consentimiento', { exact: true }).inputValue()).toBe('')
    await page.getByLabel('Origen del consentimiento', { exact: true }).selectOption('Herkunft der Einwilligung')
    await page.getByRole('button', { name: 'Comprobar (simulación)' }).click()
    const dryRun = page.getByTestId('import-dry-run')
    await expect.poll(() => dryRun.count(), { timeout: 10_000 }).toBe(1)
    expect(await dryRun.innerText()).toContain('1 nuevos · 1 actualizados · 1 duplicados · 1 rechazados')
    // Row reasons in the page's language (the server answers a code; the catalogue words it).
    expect(await dryRun.innerText()).toContain('«kaputt.example» no es una dirección de e-mail')
    expect(await dryRun.innerText()).toContain('mismo e-mail que la línea 2 de este archivo (fusionada con ella)')
    expect(await dryRun.innerText()).not.toContain('is not an e-mail address')
    expect((await system.sql`select 1 from contacts where email = 'ines.iglesias@iglesias-hidraulica.example'`).length).toBe(0)
    await page.screenshot({ path: artifact('contact-import-dry-run.png'), fullPage: true })
    await page.getByRole('button', { name: 'Importar', exact: true }).click()
    await expect.poll(() => page.getByRole('status').innerText(), { timeout: 15_000 }).toContain('2 contactos importados.')
    const bar = page.getByTestId('import-progress')
    expect(await bar.getAttribute('value')).toBe('2')
    expect(await bar.getAttribute('max')).toBe('2')
    await page.screenshot({ path: artifact('contact-import-done.png'), fullPage: true })
    const [ines] = await system.sql<{ consent_source: string; subsidiary: string }[]>`
      select c.consent_source, s.code as subsidiary from contacts c join subsidiaries s on s.id = c.subsidiary_id where c.email = 'ines.iglesias@iglesias-hidraulica.example'`
    expect(ines).toEqual({ consent_source: 'csv import (obtained outside: Feria Bilbao 2026)', subsidiary: 'ES' })

    await page.goto(`${system.baseUrl}/?view=contacts&lang=es#token=${await system.token()}`)
    const filters = page.getByTestId('contact-filters')
    await filters.getByLabel('Filial').fill('ES')
    await filters.getByLabel('Consentimiento').selectOption('granted')
    const list = page.getByRole('region', { name: 'Contactos' }).locator('ul')
    await expect.poll(() => list.innerText(), { timeout: 10_000 }).toContain('ines.iglesias@iglesias-hidraulica.example')
    expect(await list.innerText()).not.toContain('pablo.ruiz@ruiz-hidraulica.example')
    await page.getByLabel('Nombre para un nuevo segmento').fill('España con consentimiento')
    await page.getByRole('button', { name: 'Guardar filtros como segmento' }).click()
    await expect.poll(() => page.getByRole('status').innerText(), { timeout: 10_000 }).toContain('Segmento «España con consentimiento» guardado.')
    await expect.poll(() => filters.getByLabel('Segmento').locator('option:checked').innerText(), { timeout: 10_000 }).toBe('España con consentimiento')
    expect(await list.innerText()).toContain('ines.iglesias@iglesias-hidraulica.example')
    const [segment] = await system.sql<{ filter: unknown }[]>`select filter from segments where name = 'España con consentimiento'`
    expect(segment!.filter).toEqual({ match: 'all', rules: [{ kind: 'subsidiary', operator: 'is', codes: ['ES'] }, { kind: 'consent', operator: 'is', status: 'granted' }] })
    await page.screenshot({ path: artifact('contacts-filters-segment.png'), fullPage: true })
    expect(errors).toEqual([])
  })
})
