import { Router } from 'express'
import type { TemplateRenderer } from '../templates/renderer'

/** The mail templates a send step may use (the designer's template picker). */
export function templateRoutes(deps: { renderer: TemplateRenderer }): Router {
  const router = Router()
  router.get('/templates', (_req, res) => {
    res.json({ templates: deps.renderer.templateIds().map((id) => ({ id, name: id.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase()) })) })
  })
  return router
}
