import { Router } from 'express'
import type { Sql } from 'postgres'
import { z } from 'zod'
import { readContactFacts } from '../activities/contacts'
import { parseDuration } from '../engine/campaign/duration'
import type { CampaignGraph } from '../engine/campaign/graph'
import { validateForPublish } from '../engine/campaign/validate'
import { eventTypeSchema } from '../engine/nodes/property-filter'
import type { CampaignSimulator, SimulatedContact } from '../engine/simulation'
import { TIME_SKIPPING_HELP } from '../server/time-skipping-server'
import type { TemplateRenderer } from '../templates/renderer'
import type { TemplateStore } from '../templates/template-store'
import { caller, seesSubsidiary } from './auth'
import { invalidInput, notFound, send } from './errors'
import { emailAddress } from './input-guard'
import { describeRuleSet } from '../engine/nodes/contact-rules'
import { inAudience } from '../engine/nodes/trigger'
import { campaignTrigger } from '../engine/triggers'

const duration = z.string().refine((text) => parseDuration(text) !== null, 'a duration such as 36h, 2d or 2w')
const simulationBody = z.strictObject({
  /** Simulate the draft being edited (default) or the live version. */
  source: z.enum(['draft', 'live']).default('draft'),
  contact: z.strictObject({ id: z.uuid().optional(), email: emailAddress().optional() }).refine((c) => c.id || c.email, 'give the sample contact’s id or email'),
  script: z
    .array(
      z.strictObject({
        at: duration,
        type: eventTypeSchema,
        mail: z.string().max(64).optional(),
        properties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
      }),
    )
    .max(200)
    .default([]),
  horizon: duration.refine((text) => parseDuration(text)! <= 5 * 365 * 86_400_000, 'at most five years').default('90d'),
  /** Properties of the event that enrols the contact, e.g. { "product": "HydroStat 2000" }. */
  trigger: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
})

/** POST /api/campaigns/:id/simulate: the campaign's timeline for a sample contact and scripted behaviour, with time skipped. */
export function simulationRoutes(deps: { sql: Sql; simulator: CampaignSimulator; renderer: TemplateRenderer; templateStore?: TemplateStore }): Router {
  const { sql } = deps
  const router = Router()
  router.post('/campaigns/:id/simulate', async (req, res) => {
    const who = caller(req)
    const campaignId = z.uuid().safeParse(req.params.id)
    if (!campaignId.success) return send(res, notFound('campaign'))
    const body = simulationBody.safeParse(req.body)
    if (!body.success) return send(res, invalidInput(body.error))
    const request = body.data

    const [campaign] = await sql<{ draft_graph: CampaignGraph; live_graph: CampaignGraph | null; template_pins: Record<string, number> | null }[]>`
      select c.draft_graph, v.graph as live_graph, v.template_pins from campaigns c left join campaign_versions v on v.id = c.live_version_id
      where c.id = ${campaignId.data} and c.account_id = ${who.acc}`
    if (!campaign) return send(res, notFound('campaign'))
    const raw = request.source === 'live' ? campaign.live_graph : campaign.draft_graph
    if (!raw) return send(res, { status: 409, code: 'conflict', field: 'source', message: 'source: the campaign has no live version yet; simulate the draft' })
    const pins = request.source === 'live' ? campaign.template_pins : null
    const templates = await deps.templateStore?.set(who.acc, pins)
    const checked = validateForPublish(raw, { templateIds: new Set(templates ? templates.mails.keys() : deps.renderer.templateIds()) })
    if (!checked.ok) {
      const first = checked.issues[0]!
      return send(res, { status: 400, code: 'graph_invalid', message: `the ${request.source} cannot run: ${first.message}`, nodeId: first.nodeId, field: first.field, issues: checked.issues })
    }
    const sendSteps = new Set(checked.graph.nodes.filter((node) => node.type === 'send_email').map((node) => node.id))
    const badMail = request.script.findIndex((entry) => entry.mail !== undefined && !sendSteps.has(entry.mail))
    if (badMail >= 0) return send(res, { status: 400, code: 'invalid_input', field: `script.${badMail}.mail`, message: `script.${badMail}.mail: no send step "${request.script[badMail]!.mail}" in this campaign` })

    const contact = await sampleContact(sql, who.acc, request.contact)
    if (!contact || !seesSubsidiary(who, contact.subsidiary.code)) return send(res, { status: 404, code: 'not_found', field: 'contact', message: 'contact: no such contact in your subsidiaries' })

    // The trigger's audience decides before anything runs: a contact it keeps out would never enter.
    const trigger = campaignTrigger(checked.graph)
    if (trigger && !inAudience(trigger, contact.facts)) {
      const rules = describeRuleSet({ match: 'all', rules: trigger.audience })
      return send(res, { status: 409, code: 'not_in_audience', field: 'contact', message: `contact: ${contact.mail.email} would not enter: the trigger lets in only contacts for whom ${rules}` })
    }

    try {
      const result = await deps.simulator.simulate({
        campaignId: campaignId.data,
        graph: checked.graph,
        contact,
        script: request.script,
        horizon: request.horizon,
        triggerProperties: request.trigger,
        templatePins: pins,
      })
      res.json(result)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      if (message.startsWith(TIME_SKIPPING_HELP)) return void res.status(503).json({ error: { code: 'simulator_unavailable', message } })
      throw error
    }
  })
  return router
}

async function sampleContact(sql: Sql, accountId: string, by: { id?: string; email?: string }): Promise<SimulatedContact | null> {
  const [row] = await sql`
    select c.id, c.email, c.first_name, c.last_name, c.salutation, c.company, c.attributes, s.code, s.locale, s.name
    from contacts c join subsidiaries s on s.id = c.subsidiary_id
    where c.account_id = ${accountId} and ${by.id ? sql`c.id = ${by.id}` : sql`lower(c.email) = lower(${by.email!})`}`
  if (!row) return null
  return {
    id: row.id,
    accountId,
    // Persona matches as entry judges them (engine/enrol.ts): from the attributes as they are now.
    facts: (await readContactFacts(sql, { accountId, contactId: row.id }, { livePersonas: true }))!,
    mail: { email: row.email, firstName: row.first_name, lastName: row.last_name, salutation: row.salutation, company: row.company, attributes: row.attributes },
    subsidiary: { code: row.code, locale: row.locale, name: row.name },
  }
}
