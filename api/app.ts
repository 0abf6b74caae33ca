import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import express, { json, Router } from 'express'
import type { Client } from '@temporalio/client'
import type { Sql } from 'postgres'
import type { TokenSigner } from '../tracking/tokens'
import type { EventDispatcher } from '../engine/dispatcher'
import type { CampaignSimulator } from '../server/campaign-simulator'
import type { SmtpSink } from '../server/smtp-sink'
import type { DeepLConfig } from '../templates/deepl'
import type { TemplateRenderer } from '../templates/renderer'
import type { TemplateStore } from '../templates/template-store'
import type { Transporter } from 'nodemailer'
import { requireCaller } from './auth'
import { referenceRoutes } from './reference'
import { campaignRoutes } from './campaigns'
import { contactRoutes } from './contacts'
import { linkTagRoutes } from './link-tags'
import { errorHandler, send } from './errors'
import { noteEscapeFreeBody, rejectUnstorableBody, rejectUnstorableUrl } from './input-guard'
import { readinessRoutes } from './readiness'
import { enrolmentRoutes } from './enrolments'
import { confirmsApiKeyItself, eventRoutes } from './events'
import { handoverRoutes } from './handovers'
import { leadRoutes } from './leads'
import { personaRoutes } from './personas'
import { scoringRoutes } from './scoring'
import { manualEnrolmentRoutes } from './manual-enrolment'
import { outboxRoutes } from './outbox'
import { segmentRoutes } from './segments'
import { simulationRoutes } from './simulation'
import { templateRoutes } from './templates'
import { publicFontRoutes } from './template-fonts'
import { trackingRoutes } from './tracking'
import { consentRoutes } from './consent'
import { formRoutes } from './forms'
import { formAdminRoutes } from './form-admin'
import { consentTextRoutes } from './consent-texts'
import { visitRoutes } from './visits'
import type { PeopleConfig, TrackingConfig } from '../server/config'
import { DEFAULT_PEOPLE_CONFIG, peopleRoutes } from './people'
import { peopleAdminRoutes } from './people-admin'
import { requirePermission } from './route-permissions'
import type { SecretBox } from '../crm/secret-box'
import { crmRoutes } from './crm'
import { contactProfileRoutes } from './contact-profile'
import { mailingRoutes } from './mailings'
import { mailingComposeRoutes, mailingWebVersionRoutes } from './mailing-compose'
import type { AttributionRefresher } from '../reporting/attribution-refresher'
import { costRoutes } from './costs'
import { opportunityRoutes } from './opportunities'
import { reportRoutes } from './reports'
import { fairRoutes } from './fairs'
import { fairBookingRoutes } from './fair-booking'
import { compressedStatic } from './static-assets'

const DESIGNER_DIST = fileURLToPath(new URL('../designer/dist/', import.meta.url))

export interface AppDeps {
  sql: Sql
  client: Client
  /** Where enrolments and enrolment jobs that the API starts run (the workers' task queue). */
  taskQueue: string
  /** How often scanned triggers (date, inactivity, segment) run; their schedules follow publish and the campaign controls. */
  scanEvery: string
  tokens: TokenSigner
  simulator: CampaignSimulator
  dispatcher: EventDispatcher
  renderer: TemplateRenderer
  /** Template versions in Postgres; without it the API serves the built-in files read-only. */
  templateStore?: TemplateStore
  /** SMTP transport for template test sends. */
  mailer?: Transporter
  /** DeepL for pre-filling missing translations; null when DEEPL_API_KEY is unset. */
  deepl?: DeepLConfig | null
  sink?: SmtpSink
  log: (message: string) => void
  /** Machine-click rules, tracking cookie domain and opt-in link validity (server/config.ts); defaults when absent. */
  tracking?: TrackingConfig
  /** PUBLIC_URL when configured: https makes the tracking cookies Secure. */
  publicUrl?: string
  /** Sessions, lockout and mailed links; defaults when absent. */
  people?: PeopleConfig
  /** From address of invitation and password-reset mails. */
  mailFrom?: string
  /** Seals CRM credentials (key derived from APP_SECRET); without it the CRM routes answer 404. */
  crmSecrets?: SecretBox
  /** Keeps attribution credits current (reporting); the routes kick it after a change. */
  attribution?: AttributionRefresher
  /** Domain of Message-IDs (fair meeting confirmations). */
  mailDomain?: string
}

/** The HTTP surface: public tracking, the authenticated API, the dev outbox and the designer, on one port. */
export function createApp(deps: AppDeps) {
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', 'loopback')
  app.use(rejectUnstorableUrl)

  app.use(trackingRoutes(deps))
  app.use(visitRoutes(deps))
  app.use(formRoutes(deps))
  app.use(mailingWebVersionRoutes(deps))
  app.use(publicFontRoutes(deps))
  app.use(fairBookingRoutes(deps))
  app.use('/api', readinessRoutes(deps))
  app.use('/api', referenceRoutes())

  // Sign-in, invitation and reset: the only API routes that answer without a caller.
  app.use('/api', peopleRoutes(deps))

  const people = deps.people ?? DEFAULT_PEOPLE_CONFIG
  const api = Router()
  api.use(requireCaller({ sql: deps.sql, sessions: { idleMs: people.sessionIdleMs, absoluteMs: people.sessionMaxMs }, keyConfirmedByRoute: confirmsApiKeyItself }))
  // The one permission table (api/permissions.ts): every route below asks it before its handler runs.
  api.use(requirePermission())
  api.use(json({ limit: '1mb', verify: noteEscapeFreeBody }), rejectUnstorableBody)
  api.use(peopleAdminRoutes(deps))
  api.use(eventRoutes(deps))
  api.use(campaignRoutes(deps))
  api.use(templateRoutes(deps))
  api.use(enrolmentRoutes(deps))
  api.use(segmentRoutes(deps))
  api.use(manualEnrolmentRoutes(deps))
  api.use(simulationRoutes(deps))
  api.use(consentRoutes(deps))
  api.use(personaRoutes(deps))
  api.use(scoringRoutes(deps))
  api.use(leadRoutes(deps))
  api.use(handoverRoutes(deps))
  api.use(contactRoutes(deps))
  api.use(linkTagRoutes(deps))
  api.use(formAdminRoutes(deps))
  api.use(consentTextRoutes(deps))
  if (deps.crmSecrets) api.use(crmRoutes({ ...deps, crmSecrets: deps.crmSecrets }))
  api.use(contactProfileRoutes(deps))
  api.use(mailingRoutes(deps))
  api.use(mailingComposeRoutes(deps))
  api.use(costRoutes(deps))
  api.use(opportunityRoutes(deps))
  api.use(reportRoutes(deps))
  api.use(fairRoutes(deps))
  api.use((_req, res) => send(res, { status: 404, code: 'not_found', message: 'no such API route' }))
  app.use('/api', api)
  // The role × route test walks this router's routes against the permission table.
  app.locals.apiRouter = api

  if (deps.sink) app.use(outboxRoutes(deps.sink))
  if (existsSync(DESIGNER_DIST)) app.use(compressedStatic(DESIGNER_DIST))
  else app.get('/', (_req, res) => void res.type('text/plain').send('The designer is not built yet: run `npm run build:designer` (npm start does it for you).'))

  app.use(errorHandler)
  return app
}
