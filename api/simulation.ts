import { Router } from 'express'
import type { Sql } from 'postgres'
import { readContactFacts } from '../engine/contact-facts-reader'
import type { CampaignGraph } from '../engine/campaign/graph'
import { validateForPublish } from '../engine/campaign/validate'
import type { CampaignSimulator, SimulatedContact } from '../server/campaign-simulator'
import { TIME_SKIPPING_HELP } from '../engine/simulator-unavailable'
import { mailContactOf, type TemplateRenderer } from '../templates/renderer'
import type { TemplateStore } from '../templates/template-store'
import { seesSubsidiary } from './auth'
import { route } from './contract/mount'
import { simulation } from './contract/simulation'
import { notFound } from './errors'
import { describeRuleSet } from '../engine/nodes/contact-rules'
import { inAudience } from '../engine/nodes/trigger'
import { campaignTrigger } from '../engine/triggers'
import { campaignGraphs } from '../db/campaign-versions'
import { contactWithSubsidiary } from '../db/contact-lookups'

/** POST /api/campaigns/:id/simulate: the campaign's timeline for a sample contact and scripted behaviour, with time skipped. */
export function simulationRoutes(deps: { sql: Sql; simulator: CampaignSimulator; renderer: TemplateRenderer; templateStore?: TemplateStore }): Router {
  const { sql } = deps
  const router = Router()
  route(router, simulation.simulate, async ({ params, body: request, who }) => {
    const campaignId = params.id

    const campaign = await campaignGraphs(sql, who.acc, campaignId)
    if (!campaign) return notFound('campaign')
    const raw = request.source === 'live' ? campaign.liveGraph : campaign.draftGraph
    if (!raw) return { status: 409, code: 'conflict', field: 'source', message: 'source: the campaign has no live version yet; simulate the draft' }
    const pins = request.source === 'live' ? campaign.templatePins : null
    const templates = await deps.templateStore?.set(who.acc, pins)
    const checked = validateForPublish(raw, { templateIds: new Set(templates ? templates.mails.keys() : deps.renderer.templateIds()) })
    if (!checked.ok) {
      const first = checked.issues[0]!
      return { status: 400, code: 'graph_invalid', message: `the ${request.source} cannot run: ${first.message}`, nodeId: first.nodeId, field: first.field, issues: checked.issues }
    }
    const sendSteps = new Set(checked.graph.nodes.filter((node) => node.type === 'send_email').map((node) => node.id))
    const badMail = request.script.findIndex((entry) => entry.mail !== undefined && !sendSteps.has(entry.mail))
    if (badMail >= 0) return { status: 400, code: 'invalid_input', field: `script.${badMail}.mail`, message: `script.${badMail}.mail: no send step "${request.script[badMail]!.mail}" in this campaign` }

    const contact = await sampleContact(sql, who.acc, request.contact)
    if (!contact || !seesSubsidiary(who, contact.subsidiary.code)) return { status: 404, code: 'not_found', field: 'contact', message: 'contact: no such contact in your subsidiaries' }

    // The trigger's audience decides before anything runs: a contact it keeps out would never enter.
    const trigger = campaignTrigger(checked.graph)
    if (trigger && !inAudience(trigger, contact.facts)) {
      const rules = describeRuleSet({ match: 'all', rules: trigger.audience })
      return { status: 409, code: 'not_in_audience', field: 'contact', message: `contact: ${contact.mail.email} would not enter: the trigger lets in only contacts for whom ${rules}` }
    }

    try {
      const result = await deps.simulator.simulate({
        campaignId: campaignId,
        graph: checked.graph,
        contact,
        script: request.script,
        horizon: request.horizon,
        triggerProperties: request.trigger,
        templatePins: pins,
      })
      return { status: 200, body: result }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      if (message.startsWith(TIME_SKIPPING_HELP)) return { status: 503, code: 'simulator_unavailable', message }
      throw error
    }
  })
  return router
}

async function sampleContact(sql: Sql, accountId: string, by: { id?: string; email?: string }): Promise<SimulatedContact | null> {
  const row = await contactWithSubsidiary(sql, accountId, by.id ? { id: by.id } : { email: by.email! })
  if (!row) return null
  return {
    id: row.id,
    accountId,
    // Persona matches as entry judges them (engine/enrol.ts): from the attributes as they are now.
    facts: (await readContactFacts(sql, { accountId, contactId: row.id }, { livePersonas: true }))!,
    mail: mailContactOf(row),
    subsidiary: { code: row.subsidiary_code, locale: row.subsidiary_locale, name: row.subsidiary_name },
  }
}
