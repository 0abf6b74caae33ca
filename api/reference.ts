import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import express, { Router } from 'express'
import { API_CONTRACT } from './contract'
import { route } from './contract/mount'
import { openApiDocument } from './contract/openapi'
import { system } from './contract/system'

// The API's description, public: /api/openapi.json (OpenAPI 3.1, generated from the contracts) and an
// interactive reference at /api/reference, from swagger-ui-dist served by this server (no CDN).

const SWAGGER_UI = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Kessler Campaigns API</title><link rel="stylesheet" href="/api/reference/assets/swagger-ui.css"></head>
<body><div id="reference"></div>
<script src="/api/reference/assets/swagger-ui-bundle.js"></script>
<script src="/api/reference/start.js"></script>
</body>
</html>`

// The API token is asked for under "Authorize"; the page itself stores nothing. The areas open one at a
// time (docExpansion 'none'): with every one of the 151 operations expanded at once, Swagger UI 5.35 stopped
// rendering part-way through the list (no error, the rest of the page blank), and a list of areas reads
// better anyway. A deep link (#/campaigns/...) still opens its area.
const START = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#reference', deepLinking: true, docExpansion: 'none', persistAuthorization: false })`

export function referenceRoutes(): Router {
  const router = Router()
  let document: ReturnType<typeof openApiDocument> | undefined
  route(router, system.health, async () => ({ status: 200, body: { ok: true } }))
  route(router, system.openapi, async () => {
    document ??= openApiDocument(API_CONTRACT, {
      title: 'Kessler Campaigns API',
      version: '1',
      description: 'Campaigns, enrolments, events, templates, scoring and handover. Send the API token as `Authorization: Bearer <token>`.',
    })
    return { status: 200, body: document }
  })
  router.get('/reference', (_req, res) => void res.type('html').send(PAGE))
  router.get('/reference/start.js', (_req, res) => void res.type('js').send(START))
  router.use('/reference/assets', express.static(SWAGGER_UI, { index: false }))
  return router
}
