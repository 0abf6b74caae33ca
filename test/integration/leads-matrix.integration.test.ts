import { mkdir } from 'node:fs/promises'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestSystem, type TestSystem } from '../helpers/system'

// The scoring matrix in the designer, in headless Chromium: opened from the designer's header, it shows
// the leads per cell, moves a lead to another cell while open (as its clicks arrive), and lists a cell's
// leads on click. Needs `npm run build:designer` first (`npm test` does it).
const ARTIFACTS = new URL('../artifacts/', import.meta.url)

let system: TestSystem
let browser: Browser
beforeAll(async () => {
  system = await startTestSystem()
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] })
})
afterAll(async () => {
  await browser?.close()
  await system?.stop()
})

describe('the leads page', () => {
  it('shows the matrix, follows a lead moving between cells without reloading, and lists a cell', async () => {
    await mkdir(ARTIFACTS, { recursive: true })
    // The seeded contacts' first scores: all in D4.
    await expect.poll(async () => (await system.api('/api/leads/matrix')).body.cells.D4, { timeout: 30_000 }).toBe(12)
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(system.designerUrl)
    await page.getByTestId('leads-link').click()
    await expect.poll(() => page.getByTestId('cell-D4').innerText(), { timeout: 10_000 }).toMatch(/12/)
    expect(await page.getByTestId('cell-A1').innerText()).toMatch(/0/)

    // Jonas tells us who he is and clicks: Peter Produzent (A), 4 clicks + a pricing visit = 22 points (level 3).
    const jonas = { email: 'jonas.becker@becker-maschinenbau.example', attributes: { position: 'Production Manager', industry: 'Machine tools', employees: 240, interests: ['hydraulic components'] } }
    for (const type of ['click', 'click', 'click', 'click']) expect((await system.api('/api/events', { body: { type, contact: jonas } })).status).toBe(202)
    expect((await system.api('/api/events', { body: { type: 'visit', contact: { email: jonas.email }, properties: { path: '/de/preise' } } })).status).toBe(202)
    await expect.poll(() => page.getByTestId('cell-A3').innerText(), { timeout: 15_000 }).toMatch(/1$/)
    expect(await page.getByTestId('cell-D4').innerText()).toMatch(/11/)

    await page.getByTestId('cell-A3').click()
    const list = page.getByRole('region', { name: 'leads in A3' })
    await expect.poll(() => list.innerText(), { timeout: 10_000 }).toContain('Jonas Becker')
    expect(await list.innerText()).toContain('Becker Maschinenbau GmbH')
    await page.screenshot({ path: new URL('leads-matrix.png', ARTIFACTS).pathname, fullPage: true })
    expect(errors).toEqual([])
  })
})
