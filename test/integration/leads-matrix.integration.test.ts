import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestSystem, type TestSystem } from '../helpers/system'
import { artifact, launchChromium } from '../helpers/browser'

// The scoring matrix in the designer, in headless Chromium: opened from the designer's header, it shows
// the leads per cell, moves a lead to another cell while open as he clicks the tracked link in his mail
// (in a second tab, on the outbox), and lists a cell's leads on click. Needs `npm run build:designer`
// first (`npm test` does it).

let system: TestSystem
let browser: Browser
beforeAll(async () => {
  // The test clicks faster than a person: the link-scanner timing rules (tracking.integration.test.ts) are off.
  system = await startTestSystem({ machineClickAfterDelivery: 'off', machineClickBurst: 'off' })
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await system?.stop()
})

describe('the leads page', () => {
  it('shows the matrix, follows a lead moving between cells without reloading, and lists a cell', async () => {
    // The seeded contacts' first scores: all in D4.
    await expect.poll(async () => (await system.api('/api/leads/matrix')).body.cells.D4, { timeout: 30_000 }).toBe(12)
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(system.designerUrl)
    await page.getByTestId('leads-link').click()
    await expect.poll(() => page.getByTestId('cell-D4').innerText(), { timeout: 10_000 }).toMatch(/12/)
    expect(await page.getByTestId('cell-A1').innerText()).toMatch(/0/)

    // Jonas buys (15 activity points) and says who he is: Peter Produzent, so profile A; level 3.
    const jonas = { email: 'jonas.becker@becker-maschinenbau.example', attributes: { position: 'Production Manager', industry: 'Machine tools', employees: 240, interests: ['hydraulic components'] } }
    const purchase = await system.api('/api/events', { body: { type: 'purchase', contact: jonas, properties: { product: 'HydroStat 2000' } } })
    expect(purchase.status).toBe(202)
    await expect.poll(() => page.getByTestId('cell-A3').innerText(), { timeout: 15_000 }).toMatch(/1$/)
    expect(await page.getByTestId('cell-D4').innerText()).toMatch(/11/)

    // He opens the onboarding welcome mail and clicks its tracked link four times (3 points each): 27 points, level 2.
    const [welcome] = await system.sink!.waitFor((mail) => mail.to.includes(jonas.email), 1, 20_000)
    const mailbox = await browser.newContext()
    // The link leads through the product's /t/c redirect to the public website, which the test stands in for.
    await mailbox.route('https://www.kessler-hydraulik.example/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>Kessler Hydraulik</h1>' }))
    const mail = await mailbox.newPage()
    await mail.goto(`${system.baseUrl}/outbox/${welcome!.seq}`)
    for (let click = 1; click <= 4; click++) {
      // Mail buttons open the website in a new tab.
      const [website] = await Promise.all([mail.waitForEvent('popup'), mail.locator('a[href*="/t/c/"]').first().click()])
      await website.waitForURL(/^https:\/\/www\.kessler-hydraulik\.example\//)
      await website.close()
    }
    await mailbox.close()
    await expect.poll(() => page.getByTestId('cell-A2').innerText(), { timeout: 15_000 }).toMatch(/1$/)
    expect(await page.getByTestId('cell-A3').innerText()).toMatch(/0$/)
    const clicks = await system.sql`select suspected_machine from events where type = 'click' and contact_id = (select id from contacts where email = ${jonas.email})`
    expect(clicks.map((c) => c.suspected_machine)).toEqual([false, false, false, false])

    await page.getByTestId('cell-A2').click()
    const list = page.getByRole('region', { name: 'leads in A2' })
    await expect.poll(() => list.innerText(), { timeout: 10_000 }).toContain('Jonas Becker')
    expect(await list.innerText()).toContain('Becker Maschinenbau GmbH')
    await page.screenshot({ path: artifact('leads-matrix.png'), fullPage: true })
    expect(errors).toEqual([])
  })
})
