import { Router } from 'express'
import type { Sql } from 'postgres'
import { z } from 'zod'
import { fontFaces, fontFile, saveFontFaces } from '../db/template-fonts'
import { fontCssUrl } from '../templates/fonts'
import { authorsCampaigns, caller } from './auth'
import { invalidInput, send } from './errors'

// Self-hosted web fonts: uploaded by HQ marketers, served publicly by the app (mail clients fetch fonts
// without credentials), so that a design keeps its typeface without a Google Fonts call (see templates/fonts.ts).

export const fontFamilyParams = z.strictObject({ family: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _-]{0,79}$/, 'a font family name such as "Inter" or "Open Sans"') })

const WOFF2 = Buffer.from('wOF2')
const WOFF = Buffer.from('wOFF')

export const fontUploadBody = z.strictObject({
  /** One entry per face: its weight and style and the file as base64 (woff2 or woff, at most 400 KB). */
  faces: z
    .array(
      z.strictObject({
        weight: z.number().int().min(100).max(900).default(400),
        style: z.enum(['normal', 'italic']).default('normal'),
        data: z.base64().max(550_000),
      }),
    )
    .min(1)
    .max(12),
})

export const fontListResponse = z.object({ fonts: z.array(z.object({ family: z.string(), cssUrl: z.string(), faces: z.array(z.object({ weight: z.number(), style: z.string(), format: z.string() })) })) })

/** GET/PUT /api/templates/fonts… (permission: templates.edit for PUT, templates.read for GET). */
export function templateFontRoutes(deps: { sql: Sql; publicUrl?: string }): Router {
  const router = Router()
  const base = (req: { protocol: string; get(name: string): string | undefined }, accountId: string) => `${deps.publicUrl ?? `${req.protocol}://${req.get('host')}`}/fonts/${accountId}`

  router.get('/templates/fonts', async (req, res) => {
    const who = caller(req)
    const faces = await fontFaces(deps.sql, who.acc)
    const families = [...new Set(faces.map((face) => face.family))]
    res.json({
      fonts: families.map((family) => ({ family, cssUrl: fontCssUrl(base(req, who.acc), family), faces: faces.filter((f) => f.family === family).map(({ weight, style, format }) => ({ weight, style, format })) })),
    } satisfies z.infer<typeof fontListResponse>)
  })

  router.put('/templates/fonts/:family', async (req, res) => {
    const who = caller(req)
    if (!authorsCampaigns(who)) return send(res, { status: 403, code: 'forbidden', message: 'only HQ marketers upload fonts' })
    const params = fontFamilyParams.safeParse(req.params)
    if (!params.success) return send(res, invalidInput(params.error))
    const body = fontUploadBody.safeParse(req.body)
    if (!body.success) return send(res, invalidInput(body.error))
    const faces = []
    for (const [i, face] of body.data.faces.entries()) {
      const data = Buffer.from(face.data, 'base64')
      const magic = data.subarray(0, 4)
      const format = magic.equals(WOFF2) ? 'woff2' : magic.equals(WOFF) ? 'woff' : null
      if (!format) return send(res, { status: 400, code: 'invalid_input', field: `faces.${i}.data`, message: `faces.${i}.data: not a WOFF2 or WOFF font file (convert TTF/OTF to WOFF2 first)` })
      faces.push({ family: params.data.family, weight: face.weight, style: face.style, format, data } as const)
    }
    await saveFontFaces(deps.sql, who.acc, who.sub, faces)
    res.status(201).json({ family: params.data.family, cssUrl: fontCssUrl(base(req, who.acc), params.data.family), faces: faces.map(({ weight, style, format }) => ({ weight, style, format })) })
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
