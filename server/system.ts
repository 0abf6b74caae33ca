import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import type { Server } from 'node:http'
import { join } from 'node:path'
import { Client, Connection } from '@temporalio/client'
import { NativeConnection, type Worker } from '@temporalio/worker'
import type { Sql } from 'postgres'
import { createActivities } from '../activities'
import { createTokenSigner, deriveSecret, type TokenSigner } from '../tracking/tokens'
import { createSecretBox } from '../crm/secret-box'
import { createApp } from '../api/app'
import { connectDatabase } from '../db/availability'
import { migrate } from '../db/migrate'
import type { CampaignGraph } from '../engine/campaign/graph'
import { ensureNamespace, ensureSearchAttributes } from '../engine/client'
import { syncAllCampaignSchedules } from '../engine/entry-client'
import { createEventDispatcher, type EventDispatcher } from '../engine/dispatcher'
import { ensureDecaySchedule, startRescoreJob } from '../engine/scoring/jobs-client'
import { createCampaignSimulator } from './campaign-simulator'
import { createCampaignWorker, loadCampaignWorkflowBundle, type CampaignWorkflowBundle } from './campaign-worker'
import { createTemplateRenderer, type TemplateRenderer } from '../templates/renderer'
import { createTemplateStore, type TemplateStore } from '../templates/template-store'
import type { Config } from './config'
import { startEmbeddedPostgres } from './embedded-postgres'
import { issueApiKey } from '../people/api-keys'
import { createMailTransport } from './mail-transport'
import { relaySettlement } from './relay-receipts'
import { seedDemo } from './seed'
import { seedFair } from './seed-fair'
import type { FairFollowUpOptions } from '../engine/examples/fair-follow-up'
import { DEMO_PASSWORD, DEMO_USERS, seedPeople } from './seed-people'
import { startSmtpSink, type SmtpSink } from './smtp-sink'
import { startTemporalDevServer } from './temporal-dev-server'
import { startTimeSkippingServer } from './time-skipping-server'
import { createRelayPool } from '../mailings/relay-pool'
import { startInboundMail, type InboundMail } from './inbound-mail'
import { createAttributionRefresher, type AttributionRefresher } from '../reporting/attribution-refresher'
import { createReportFolder } from '../reporting/report-folder'

const STOP_DEADLINE_MS = 10_000

export interface System {
  url: string
  /** The designer (its sign-in page). */
  designerUrl: string | null
  /** How to sign in to the demo: one user per role, all with the demo password; null without the demo. */
  demoSignIn: { password: string; users: { email: string; name: string; role: string }[]; scriptKey: string | null } | null
  temporalUiUrl: string | null
  sql: Sql
  sink: SmtpSink | null
  client: Client
  tokens: TokenSigner
  renderer: TemplateRenderer
  templateStore: TemplateStore
  dispatcher: EventDispatcher
  worker: Worker | null
  demoAccountId: string | null
  /** Where bounces and complaints are delivered (the VERP return paths' SMTP endpoint). */
  inboundMail: InboundMail
  attribution: AttributionRefresher
  stop(): Promise<void>
}

export interface SystemOptions {
  log?: (message: string) => void
  /** A pre-built workflow bundle (tests bundle once per file). */
  workflowBundle?: CampaignWorkflowBundle
  /** The demo's onboarding graph, e.g. with a click timeout of seconds instead of days (tests). */
  demoOnboarding?: CampaignGraph
  /** Seed the example campaigns (nurture, cross-sell, upsell, loyalty, reactivation) with the demo; default true. */
  seedExamples?: boolean
  /** Seed the trade fair (stand, reps, slots, a booked meeting with its confirmation mail); default true. */
  seedFair?: boolean
  /** The fair campaign's waits, e.g. seconds instead of days (tests). */
  fairFollowUp?: FairFollowUpOptions
}

/**
 * Brings up everything `npm start` runs, in order: Postgres (or embedded PGlite), migrations, the SMTP
 * sink (unless SMTP_URL), Temporal (or the CLI dev server), the event dispatcher, the HTTP app, the
 * worker and the demo data. Whatever was started is stopped again, in reverse, by stop() or on failure.
 */
export async function startSystem(config: Config, options: SystemOptions = {}): Promise<System> {
  const log = options.log ?? ((message: string) => console.log(message))
  const stops: [string, () => Promise<unknown>][] = []
  // Each part gets a deadline: a part that hangs is named in the log, and the rest still stops.
  const stop = async () => {
    for (const [name, step] of stops.reverse()) {
      let timer: ReturnType<typeof setTimeout> | undefined
      const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_DEADLINE_MS)))
      const outcome = await Promise.race([step().catch((error) => log(`while stopping the ${name}: ${error}`)), deadline])
      clearTimeout(timer)
      if (outcome === 'late') log(`the ${name} did not stop within ${STOP_DEADLINE_MS / 1000} s; going on`)
    }
    stops.length = 0
  }
  try {
    await mkdir(config.dataDir, { recursive: true })
    const secret = config.appSecret ?? (await persistentSecret(join(config.dataDir, 'app-secret')))
    const tokens = createTokenSigner(secret)
    const crmSecrets = createSecretBox(secret)

    let databaseUrl = config.databaseUrl
    if (!databaseUrl) {
      const embedded = await startEmbeddedPostgres({ dataDir: join(config.dataDir, 'pglite'), port: config.embeddedPostgresPort })
      stops.push(['embedded Postgres', embedded.stop])
      databaseUrl = embedded.url
      log(`Postgres: embedded PGlite on ${databaseUrl} (data in ${join(config.dataDir, 'pglite')})`)
    }
    const sql = connectDatabase(databaseUrl, { max: 8 })
    stops.push(['database pool', () => sql.end({ timeout: 5 })])
    // For mailing bookkeeping whose loss in a database crash is safe (activities/mailing-send.ts).
    const relaxedSql = connectDatabase(databaseUrl, { max: 2, relaxedCommit: true })
    stops.push(['relaxed database pool', () => relaxedSql.end({ timeout: 5 })])
    const applied = await migrate(sql)
    if (applied.length) log(`Migrations applied: ${applied.join(', ')}`)

    let sink: SmtpSink | null = null
    let smtpUrl = config.smtpUrl
    if (!smtpUrl) {
      sink = await startSmtpSink({ port: config.smtpSinkPort })
      stops.push(['SMTP sink', sink.stop])
      smtpUrl = sink.url
    }
    const mailer = createMailTransport(smtpUrl)
    stops.push(['mail transport', async () => mailer.close()])
    // Mailings go through a pool that keeps to the relay's limits (connections, mails per second).
    const relay = createRelayPool(smtpUrl, config.mailings.relay)
    stops.push(['relay pool', async () => relay.close()])
    const verpSecret = deriveSecret(secret, 'verp')

    let temporalAddress = config.temporal.address
    let temporalUiUrl: string | null = null
    if (!temporalAddress) {
      const dev = await startTemporalDevServer({
        cli: config.temporal.cli,
        port: config.temporal.port,
        uiPort: config.temporal.uiPort,
        dbFile: join(config.dataDir, 'temporal.db'),
      })
      stops.push(['Temporal dev server', dev.stop])
      temporalAddress = dev.address
      temporalUiUrl = dev.uiUrl
    }
    const connection = await Connection.connect({ address: temporalAddress })
    stops.push(['Temporal client', () => connection.close()])
    const client = new Client({ connection, namespace: config.temporal.namespace })
    if (await ensureNamespace(connection, config.temporal.namespace)) log(`Temporal namespace registered: ${config.temporal.namespace}`)
    const registered = await ensureSearchAttributes(connection, config.temporal.namespace)
    if (registered.length) log(`Temporal search attributes registered: ${registered.join(', ')}`)

    const dispatcher = createEventDispatcher({ sql, client, taskQueue: config.temporal.taskQueue, log })
    stops.push(['event dispatcher', dispatcher.stop])
    const reportFolder = createReportFolder({ sql, log })
    stops.push(['report folder', reportFolder.stop])
    const attribution = createAttributionRefresher({ sql, log, folder: reportFolder })
    stops.push(['attribution refresher', attribution.stop])
    const renderer = createTemplateRenderer()
    // Self-hosted fonts are served under the app's URL, known once the server listens.
    let appUrl: string | undefined = config.publicUrl
    const templateStore = createTemplateStore(sql, { publicUrl: () => appUrl })
    const inboundMail = await startInboundMail({ sql, verpSecret, softBounce: config.mailings.softBounce, onEvent: () => dispatcher.kick(), log }, config.mailings.inboundPort)
    stops.push(['inbound mail', inboundMail.stop])
    // Built-in templates (the repo's files) into every account: new ones and unedited updated ones.
    for (const { id } of await sql<{ id: string }[]>`select id from accounts`) await templateStore.seed(id, renderer.builtIn)
    // The time-skipping server behind simulations starts with the first simulation, not here.
    const simulator = createCampaignSimulator({ renderer, templateStore, startServer: startTimeSkippingServer, workflowBundle: options.workflowBundle })
    stops.push(['simulator', simulator.stop])

    const app = createApp({ sql, client, taskQueue: config.temporal.taskQueue, scanEvery: config.triggerScanInterval, tokens, dispatcher, renderer, simulator, sink: sink ?? undefined, log, tracking: config.tracking, publicUrl: config.publicUrl, templateStore, mailer, deepl: config.deepl, attribution, crmSecrets, people: config.people, mailFrom: `Kessler Campaigns <no-reply@${config.mailDomain}>`, mailDomain: config.mailDomain })
    const server = await new Promise<Server>((resolve, reject) => {
      const listening = app.listen(config.port, (error?: Error) => (error ? reject(error) : resolve(listening)))
    })
    stops.push(['HTTP server', () => new Promise((resolve) => (server.close(resolve), server.closeAllConnections()))])
    const port = (server.address() as { port: number }).port
    const url = config.publicUrl ?? `http://localhost:${port}`
    appUrl = url

    let worker: Worker | null = null
    if (config.runWorker) {
      const workerConnection = await NativeConnection.connect({ address: temporalAddress })
      stops.push(['worker connection', () => workerConnection.close()])
      worker = await createCampaignWorker({
        connection: workerConnection,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.taskQueue,
        cachedWorkflows: config.workerCachedWorkflows,
        activities: createActivities({
          sql,
          mailer,
          renderer,
          templateStore,
          tokens,
          publicUrl: url,
          mailDomain: config.mailDomain,
          relay: relaySettlement({ receiptsUrl: config.smtpReceiptsUrl, sink }),
          webhookSecret: config.webhookSecret ?? deriveSecret(secret, 'webhook'),
          temporal: { client, taskQueue: config.temporal.taskQueue },
          crmSecrets,
          crmPageSize: config.crmPageSize,
          mailings: { relay, dkim: config.mailings.dkim, verpSecret, relaxedSql },
        }),
        workflowBundle: options.workflowBundle ?? (config.workflowBundlePath ? await loadCampaignWorkflowBundle(config.workflowBundlePath) : undefined),
      })
      const running = worker.run()
      stops.push(['worker', async () => {
        worker!.shutdown()
        await running
      }])
    }

    let demoAccountId: string | null = null
    const designerUrl = `${url}/`
    let demoSignIn: System['demoSignIn'] = null
    if (config.seedDemo) {
      const examples = options.seedExamples ?? true
      const seeded = await seedDemo(sql, {
        templateIds: new Set(renderer.templateIds()),
        onboarding: options.demoOnboarding,
        examples,
        seedTemplates: (accountId) => templateStore.seed(accountId, renderer.builtIn),
      })
      demoAccountId = seeded.accountId
      // The seeded contacts' first scores, so the scoring matrix is not empty on the first start.
      if (seeded.created) await startRescoreJob(sql, client, config.temporal.taskQueue, { accountId: seeded.accountId, modelVersion: 0, kind: 'initial' })
      if (seeded.created) log(`Demo data seeded: Kessler Hydraulik with DE, FR, IT, ES and a live onboarding campaign${examples ? ', plus the example campaigns' : ''}`)
      await seedPeople(sql, seeded.accountId)
      if (options.seedFair ?? true) {
        await seedFair(sql, seeded.accountId, { tokens, mailer, publicUrl: url, mailDomain: config.mailDomain, templateIds: new Set(renderer.templateIds()), followUp: options.fairFollowUp })
      }
      // A key for the README's curl examples, shown on the first start only (only its hash is kept).
      const scriptKey = seeded.created
        ? (await issueApiKey(sql, { accountId: seeded.accountId, name: 'Demo script (README)', role: 'hq_marketer', subsidiaries: '*', createdBy: 'demo seed' })).key
        : null
      demoSignIn = { password: DEMO_PASSWORD, users: DEMO_USERS.map(({ email, name, role }) => ({ email, name, role })), scriptKey }
    }
    // Events stored while the app was down are handed to Temporal now; scanned triggers get their
    // schedules on a Temporal that does not have them yet (a fresh dev server, a new cluster).
    dispatcher.kick()
    await syncAllCampaignSchedules(sql, client, { taskQueue: config.temporal.taskQueue, every: config.triggerScanInterval })
    await ensureDecaySchedule(client, config.temporal.taskQueue)

    return { url, designerUrl, demoSignIn, temporalUiUrl, sql, sink, client, tokens, renderer, templateStore, dispatcher, worker, demoAccountId, inboundMail, attribution, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/** APP_SECRET, or one generated on first start and kept in the data folder so signed links survive restarts. */
async function persistentSecret(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim()
  } catch {
    const secret = randomBytes(32).toString('base64url')
    await writeFile(path, secret, { mode: 0o600 })
    return secret
  }
}
