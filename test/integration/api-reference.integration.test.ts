import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { artifact, launchChromium } from '../helpers/browser'
import { startTestSystem, type TestSystem } from '../helpers/system'

// The API describes itself without a token: /api/openapi.json, and a reference page that works offline
// (its scripts come from this server, not a CDN).
let system: TestSystem
beforeAll(async () => {
  system = await startTestSystem({ runWorker: false })
})
afterAll(() => system?.stop())

describe('the published API description', () => {
  it('serves the OpenAPI 3.1 document publicly, with the routes the app answers', async () => {
    const document = await system.api('/api/openapi.json', { token: null })
    expect(document.status).toBe(200)
    expect(document.body.openapi).toBe('3.1.0')
    expect(document.body.paths['/api/campaigns/{id}/publish'].post['x-permission']).toBe('campaigns.author')
    // The rest of /api still wants a token.
    expect((await system.api('/api/campaigns', { token: null })).status).toBe(401)
  })

  it('shows an interactive reference page with every operation, loaded from this server only', async () => {
    const browser = await launchChromium()
    try {
      const page = await browser.newPage()
      const foreign: string[] = []
      page.on('request', (request) => {
        if (!request.url().startsWith(system.baseUrl)) foreign.push(request.url())
      })
      await page.goto(`${system.baseUrl}/api/reference`)
      // The areas are listed closed; each opens to its operations. Every area, opened in turn, shows every
      // operation the document declares for it.
      const areas = page.locator('.opblock-tag-section')
      await areas.first().waitFor({ timeout: 15_000 })
      const campaigns = areas.filter({ has: page.locator('.opblock-tag[data-tag="campaigns"]') })
      await campaigns.locator('.opblock-tag').click()
      await campaigns.getByText('/api/campaigns/{id}/publish').first().waitFor({ timeout: 15_000 })
      await page.screenshot({ path: artifact('api-reference.png'), fullPage: false })
      await campaigns.locator('.opblock-tag').click()
      let operations = 0
      for (let i = 0; i < (await areas.count()); i++) {
        const area = areas.nth(i)
        await area.locator('.opblock-tag').click()
        await area.locator('.opblock').first().waitFor({ timeout: 15_000 })
        operations += await area.locator('.opblock').count()
        await area.locator('.opblock-tag').click()
      }
      const documented = Object.values((await system.api('/api/openapi.json')).body.paths as Record<string, object>).flatMap((methods) => Object.keys(methods)).length
      expect(operations).toBe(documented)
      expect(foreign).toEqual([])
    } finally {
      await browser.close()
    }
  })
})
