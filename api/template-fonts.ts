import { Router } from 'express'
import type { Sql } from 'postgres'
import { fontFaces, fontFile, saveFontFaces } from '../db/template-fonts'
import { fontCssUrl } from '../templates/fonts'
import { authorsCampaigns } from './auth'
import { route } from './contract/mount'
import { templates } from './contract/templates'

// Self-hosted web fonts: uploaded by HQ marketers, served publicly by the app (mail clients fetch fonts
// without credentials), so that a design keeps its typeface without a Google Fonts call (see templates/fonts.ts).

const WOFF2 = Buffer.from('wOF2')
const WOFF = Buffer.from('wOFF')

/** GET/PUT /api/templates/fonts… (permission: templates.edit for PUT, templates.read for GET). */
export function templateFontRoutes(deps: { sql: Sql; publicUrl?: string }): Router {
  const router = Router()
  const base = (req: { protocol: string; get(name: string): string | undefined }, accountId: string) => `${deps.publicUrl ?? `${req.protocol}://${req.get('host')}`}/fonts/${accountId}`

  route(router, templates.fonts, async ({ req, who }) => {
    const faces = await fontFaces(deps.sql, who.acc)
    const families = [...new Set(faces.map((face) => face.family))]
    return {
      status: 200,
      body: { fonts: families.map((family) => ({ family, cssUrl: fontCssUrl(base(req, who.acc), family), faces: faces.filter((f) => f.family === family).map(({ weight, style, format }) => ({ weight, style, format })) })) },
    }
  })

  route(router, templates.uploadFont, async ({ req, params, body, who }) => {
    if (!authorsCampaigns(who)) return { status: 403, code: 'forbidden', message: 'only HQ marketers upload fonts' }
    const faces = []
    for (const [i, face] of body.faces.entries()) {
      const data = Buffer.from(face.data, 'base64')
      const magic = data.subarray(0, 4)
      const format = magic.equals(WOFF2) ? 'woff2' : magic.equals(WOFF) ? 'woff' : null
      if (!format) return { status: 400, code: 'invalid_input', field: `faces.${i}.data`, message: `faces.${i}.data: not a WOFF2 or WOFF font file (convert TTF/OTF to WOFF2 first)` }
      faces.push({ family: params.family, weight: face.weight, style: face.style, format, data } as const)
    }
    await saveFontFaces(deps.sql, who.acc, who.sub, faces)
    return { status: 201, body: { family: params.family, cssUrl: fontCssUrl(base(req, who.acc), params.family), faces: faces.map(({ weight, style, format }) => ({ weight, style, format })) } }
  })
  return router
}

const ACCOUNT = /^[0-9a-f-]{36}$/

/** Public: /fonts/<account>/<family>.css (@font-face rules; empty for a family not uploaded) and the font files. */
export function publicFontRoutes(deps: { sql: Sql }): Router {
  const router = Router()
  router.get('/fonts/:account/:file', async (req, res) => {
    const { account, file } = req.params
    const css = /^(.+)\.css$/.exec(file)
    if (!ACCOUNT.test(account) || !css) return void res.status(404).end()
    const family = css[1]!
    const faces = await fontFaces(deps.sql, account, family)
    const rules = faces.map(
      (face) =>
        `@font-face { font-family: '${face.family.replace(/'/g, '')}'; font-style: ${face.style}; font-weight: ${face.weight}; font-display: swap; src: url('${encodeURIComponent(face.family)}/${face.weight}-${face.style}.${face.format}') format('${face.format}'); }`,
    )
    // An unknown family gets an empty stylesheet: the design's fallback font shows, and nobody else is asked.
    res.type('text/css').set('cache-control', 'public, max-age=3600').set('access-control-allow-origin', '*').send(rules.join('\n'))
  })
  router.get('/fonts/:account/:family/:face', async (req, res) => {
    const { account, family, face } = req.params
    const match = /^(\d{3})-(normal|italic)\.(woff2|woff)$/.exec(face)
    if (!ACCOUNT.test(account) || !match) return void res.status(404).end()
    const found = await fontFile(deps.sql, account, family, Number(match[1]), match[2]!)
    if (!found) return void res.status(404).end()
    res.type(`font/${found.format}`).set('cache-control', 'public, max-age=86400').set('access-control-allow-origin', '*').send(found.data)
  })
  return router
}
