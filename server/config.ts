import { z } from 'zod'
import { parseDuration } from '../engine/campaign/duration'

// The one place that reads the environment. Everything else gets a Config (workflows get what they
// need through their input), so tests can start the system with a config of their own.
const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback)

const offOrDuration = (fallback: string) =>
  z
    .string()
    .refine((text) => text === 'off' || parseDuration(text) !== null, 'a duration such as 5s, or "off"')
    .default(fallback)
    .transform((text) => (text === 'off' ? 0 : parseDuration(text)!))

const duration = (fallback: string) =>
  z.string().refine((text) => parseDuration(text) !== null, 'a duration such as 15m, 2h or 7d').default(fallback).transform((text) => parseDuration(text)!)

const schema = z.object({
  PORT: port(3000),
  PUBLIC_URL: z.url().optional(),
  DATA_DIR: z.string().default('data'),
  APP_SECRET: z.string().min(32, 'APP_SECRET must be at least 32 characters').optional(),
  WEBHOOK_SECRET: z.string().min(32, 'WEBHOOK_SECRET must be at least 32 characters').optional(),
  DATABASE_URL: z.string().optional(),
  EMBEDDED_POSTGRES_PORT: port(5433),
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('campaigns'),
  TEMPORAL_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  TEMPORAL_CLI: z.string().optional(),
  // host:port where a worker process serves its Temporal SDK metrics for Prometheus (/metrics: workflow task
  // schedule-to-start and execution latencies, sticky cache hits, free slots); unset: none served.
  TEMPORAL_METRICS_ADDRESS: z.string().optional(),
  TRIGGER_SCAN_INTERVAL: z.string().refine((text) => parseDuration(text) !== null, 'a duration such as 15m or 1h').default('1h'),
  SMTP_URL: z.string().optional(),
  SMTP_SINK_PORT: port(2525),
  // Where the relay answers whether it accepted a Message-ID (server/relay-receipts.ts); settles sends a killed worker left open.
  SMTP_RECEIPTS_URL: z.union([z.literal(''), z.url()]).optional(),
  MAIL_DOMAIN: z.string().default('kessler-hydraulik.example'),
  SEED_DEMO: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  RUN_WORKER: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  // Workflows a worker keeps in memory between their tasks; unset: server/campaign-worker.ts's default and its reasons.
  WORKER_CACHED_WORKFLOWS: z.coerce.number().int().min(2).optional(),
  // A workflow bundle built ahead (npm run build:workflows), so a (re)started worker polls at once instead of bundling for seconds.
  WORKFLOW_BUNDLE: z.string().optional(),
  // Machine-click heuristics (README "Machine opens and scanner clicks"); "off" disables one.
  MACHINE_CLICK_AFTER_DELIVERY: offOrDuration('5s'),
  MACHINE_CLICK_BURST: offOrDuration('2s'),
  // The tracking cookies' Domain, e.g. ".kessler-hydraulik.example" when the app runs on a subdomain of the website.
  TRACKING_COOKIE_DOMAIN: z.string().optional(),
  DOUBLE_OPT_IN_VALID_FOR: z.string().refine((text) => parseDuration(text) !== null, 'a duration such as 7d').default('7d'),
  // Records per page when the CRM sync walks the CRM's lists.
  CRM_PAGE_SIZE: z.coerce.number().int().min(20).max(1000).default(200),
  DEEPL_API_KEY: z.string().optional(),
  // Sign-in (issue 14): session idle and absolute limits, lockout, invitation and reset link validity.
  SESSION_IDLE: duration('2h'),
  SESSION_MAX: duration('12h'),
  SIGN_IN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  SIGN_IN_LOCK: duration('15m'),
  INVITATION_VALID_FOR: duration('7d'),
  PASSWORD_RESET_VALID_FOR: duration('1h'),
  DEEPL_API_URL: z.url().optional(),
  // Mailings (docs/mailings.md): the relay's limits, DKIM, the inbound endpoint for bounces and complaints.
  SMTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(5),
  SMTP_RATE_PER_SECOND: z.coerce.number().min(0).default(0),
  DKIM_PRIVATE_KEY: z.string().optional(),
  DKIM_SELECTOR: z.string().regex(/^[A-Za-z0-9._-]+$/).default('kessler'),
  INBOUND_SMTP_PORT: port(2526),
  BOUNCE_SOFT_THRESHOLD: z.coerce.number().positive().default(5),
  BOUNCE_SOFT_HALF_LIFE: z.string().refine((text) => parseDuration(text) !== null, 'a duration such as 7d').default('7d'),
})

export interface Config {
  port: number
  publicUrl?: string
  dataDir: string
  appSecret?: string
  /** Key of webhook signatures; derived from the app secret unless set (receivers need to know it). */
  webhookSecret?: string
  databaseUrl?: string
  embeddedPostgresPort: number
  temporal: { address?: string; namespace: string; taskQueue: string; port: number; uiPort: number; cli?: string; metricsAddress?: string }
  /** How often date, inactivity and segment triggers scan for contacts. */
  triggerScanInterval: string
  smtpUrl?: string
  smtpSinkPort: number
  /** The relay's record of accepted Message-IDs (GET ?messageId=); unset: interrupted sends stay unknown. */
  smtpReceiptsUrl?: string
  mailDomain: string
  seedDemo: boolean
  runWorker: boolean
  /** Workflows a worker keeps in memory between their tasks; unset: server/campaign-worker.ts's default. */
  workerCachedWorkflows?: number
  /** Records per page of a CRM sync. */
  crmPageSize: number
  /** Path of a prebuilt workflow bundle (server/build-workflow-bundle.ts); unset: bundled at worker start. */
  workflowBundlePath?: string
  /** Machine translation of missing template strings; null without DEEPL_API_KEY. */
  deepl: { apiKey: string; url: string } | null
  tracking: TrackingConfig
  people: PeopleConfig
  mailings: MailingConfig
}

/** Sign-in, sessions and mailed links (api/people.ts). */
export interface PeopleConfig {
  sessionIdleMs: number
  sessionMaxMs: number
  maxFailedSignIns: number
  lockMs: number
  invitationValidMs: number
  resetValidMs: number
}

export interface MailingConfig {
  relay: { maxConnections: number; perSecond: number }
  /** PEM key that signs mailings (DKIM, d= the subsidiary's sender domain); null: unsigned. */
  dkim: { selector: string; privateKey: string } | null
  /** Port of the inbound SMTP endpoint that VERP return paths lead to. */
  inboundPort: number
  softBounce: { threshold: number; halfLifeMs: number }
}

export interface TrackingConfig {
  /** A click this soon after the mail was sent is a link scanner's (ms; 0 = rule off). */
  machineClickAfterDeliveryMs: number
  /** Several links of one mail clicked within this span are a scanner's (ms; 0 = rule off). */
  machineClickBurstMs: number
  cookieDomain?: string
  /** How long a double opt-in confirmation link stays valid (ms). */
  doubleOptInValidForMs: number
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')
    throw new Error(`Invalid configuration: ${problems}`)
  }
  const e = parsed.data
  return {
    port: e.PORT,
    publicUrl: e.PUBLIC_URL,
    dataDir: e.DATA_DIR,
    appSecret: e.APP_SECRET,
    webhookSecret: e.WEBHOOK_SECRET,
    databaseUrl: e.DATABASE_URL || undefined,
    embeddedPostgresPort: e.EMBEDDED_POSTGRES_PORT,
    temporal: {
      address: e.TEMPORAL_ADDRESS || undefined,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      port: e.TEMPORAL_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      cli: e.TEMPORAL_CLI,
      metricsAddress: e.TEMPORAL_METRICS_ADDRESS || undefined,
    },
    triggerScanInterval: e.TRIGGER_SCAN_INTERVAL,
    smtpUrl: e.SMTP_URL || undefined,
    smtpSinkPort: e.SMTP_SINK_PORT,
    smtpReceiptsUrl: e.SMTP_RECEIPTS_URL || undefined,
    mailDomain: e.MAIL_DOMAIN,
    seedDemo: e.SEED_DEMO,
    runWorker: e.RUN_WORKER,
    workerCachedWorkflows: e.WORKER_CACHED_WORKFLOWS,
    crmPageSize: e.CRM_PAGE_SIZE,
    workflowBundlePath: e.WORKFLOW_BUNDLE || undefined,
    tracking: {
      machineClickAfterDeliveryMs: e.MACHINE_CLICK_AFTER_DELIVERY,
      machineClickBurstMs: e.MACHINE_CLICK_BURST,
      cookieDomain: e.TRACKING_COOKIE_DOMAIN || undefined,
      doubleOptInValidForMs: parseDuration(e.DOUBLE_OPT_IN_VALID_FOR)!,
    },
    people: {
      sessionIdleMs: e.SESSION_IDLE,
      sessionMaxMs: e.SESSION_MAX,
      maxFailedSignIns: e.SIGN_IN_MAX_FAILURES,
      lockMs: e.SIGN_IN_LOCK,
      invitationValidMs: e.INVITATION_VALID_FOR,
      resetValidMs: e.PASSWORD_RESET_VALID_FOR,
    },
    mailings: {
      relay: { maxConnections: e.SMTP_MAX_CONNECTIONS, perSecond: e.SMTP_RATE_PER_SECOND },
      // A PEM in the variable itself (\n written as "\n" is accepted, as env files often hold it).
      dkim: e.DKIM_PRIVATE_KEY ? { selector: e.DKIM_SELECTOR, privateKey: e.DKIM_PRIVATE_KEY.replace(/\\n/g, '\n') } : null,
      inboundPort: e.INBOUND_SMTP_PORT,
      softBounce: { threshold: e.BOUNCE_SOFT_THRESHOLD, halfLifeMs: parseDuration(e.BOUNCE_SOFT_HALF_LIFE)! },
    },
    // DeepL's free keys end in ":fx" and only work on the free API's host.
    deepl: e.DEEPL_API_KEY
      ? { apiKey: e.DEEPL_API_KEY, url: (e.DEEPL_API_URL ?? (e.DEEPL_API_KEY.endsWith(':fx') ? 'https://api-free.deepl.com' : 'https://api.deepl.com')).replace(/\/+$/, '') }
      : null,
  }
}
