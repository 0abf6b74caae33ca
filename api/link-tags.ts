import { Router } from 'express'
import type { Sql } from 'postgres'
import type { TemplateRenderer } from '../templates/renderer'
import type { TemplateStore } from '../templates/template-store'
import { enrolmentRequests } from './contract/enrolment-requests'
import { route } from './contract/mount'
import { currentSet } from './template-access'

// The tracking tags of the links in each mail template (href="…?mt_tag=service-kit"), so that the
// designer offers them when a marketer branches on which link was clicked, instead of expecting the tag
// typed from memory. Read by rendering each of the account's mails (its newest versions in the template
// store, so mails created or edited through the API are listed too) for the headquarters subsidiary with a
// link hook: the renderer is the one place that knows how tags are declared.

const SAMPLE_CONTACT = { email: 'sample@example.invalid', firstName: null, lastName: null, salutation: null, company: null, attributes: {} }

/** GET /link-tags: { templates: [{ id, tags }] }, tags in the order the links appear. */
export function linkTagRoutes(deps: { sql: Sql; renderer: TemplateRenderer; templateStore?: TemplateStore }): Router {
  const router = Router()
  route(router, enrolmentRequests.linkTags, async ({ who }) => {
    const [subsidiary] = await deps.sql<{ code: string; name: string; locale: string }[]>`
      select code, name, locale from subsidiaries where account_id = ${who.acc} order by is_headquarters desc, code limit 1`
    if (!subsidiary) return { status: 200, body: { templates: [] } }
    const set = await currentSet(deps, who.acc)
    const templates = await Promise.all(
      [...set.mails.keys()].map(async (id) => {
        const tags: string[] = []
        // A mail that does not render (a version saved before today's checks) lists no tags rather than failing the list.
        await deps.renderer.render({
          templateId: id,
          templates: set,
          subsidiary,
          contact: SAMPLE_CONTACT,
          unsubscribeUrl: 'https://example.invalid/unsubscribe',
          trackLink: (url, tag) => {
            if (tag && !tags.includes(tag)) tags.push(tag)
            return url
          },
        }).catch(() => undefined)
        return { id, tags }
      }),
    )
    return { status: 200, body: { templates } }
  })
  return router
}
