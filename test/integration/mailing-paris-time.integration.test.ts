import { randomUUID } from 'node:crypto'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Worker } from '@temporalio/worker'
import express from 'express'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { temporalClock } from '../../activities/activity-context'
import { requireCaller } from '../../api/auth'
import { mailingRoutes } from '../../api/mailings'
import { requirePermission } from '../../api/route-permissions'
import type { mailingSend } from '../../engine/workflows/mailing'
import { createRelayPool, type RelayPool } from '../../mailings/relay-pool'
import { startTimeSkippingServer, type TimeSkippingServer } from '../../server/time-skipping-server'
import { mailingActivitiesFor } from '../helpers/mailing-activities'
import { startTestSystem, type TestSystem } from '../helpers/system'
import { workflowBundle } from '../helpers/workflow-bundle'

// "Schedules it for 9:00 Paris time" for real: the mailing workflow runs on Temporal's time-skipping test
// server (the Java server simulations use), so the next 9:00 on Paris clocks, up to a day away, comes in
// seconds. The schedule route is the product's, its Temporal client pointed at that server; the worker runs
// the product's mailing activities on Temporal's clock (`temporalClock`), Postgres and the SMTP sink are
// real. HQ changes the product photo in its global block a minute before 9:00; the French mails in the
// sink carry the new photo and say they left at 9:00 Paris (08:00 UTC in winter, 07:00 in summer).

const BLOCK = 'product-news-hydrostat-3000'
const NEW_PHOTO = 'https://cdn.kessler-hydraulik.example/img/hydrostat-3000-paris-9h.jpg'
let system: TestSystem
let temporal: TimeSkippingServer
let relay: RelayPool
let worker: Worker
let running: Promise<void>
let scheduling: Server
const taskQueue = `mailing-paris-${randomUUID()}`

beforeAll(async () => {
  ;[system, temporal] = await Promise.all([startTestSystem({ runWorker: false }), startTimeSkippingServer()])
  relay = createRelayPool(system.sink!.url, system.config.mailings.relay)
  worker = await Worker.create({
    connection: temporal.env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: mailingActivitiesFor(system, { relay, clock: temporalClock }),
  })
  running = worker.run()
  // The API's mailing routes behind the same sign-in and permission table as in the app, starting the
  // workflow on the time-skipping server.
  const app = express().use('/api', requireCaller({ sql: system.sql, sessions: { idleMs: 3_600_000, absoluteMs: 3_600_000 } }), requirePermission(), express.json(), mailingRoutes({ sql: system.sql, client: temporal.env.client, taskQueue }))
  scheduling = app.listen(0, '127.0.0.1')
}, 240_000)

afterAll(async () => {
  scheduling?.close()
  worker?.shutdown()
  await running?.catch(() => {})
  relay?.close()
  await temporal?.stop()
  await system?.stop()
})

/** The next 9:00 on Paris clocks at least 10 minutes after `after`, found with Intl (not the product's zone code). */
function nextNineInParis(after: number): number {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' })
  const clock = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
  for (let d = 0; d < 3; d++) {
    const date = day.format(after + d * 86_400_000)
    // 9:00 in Paris is 08:00 UTC (CET) or 07:00 UTC (CEST).
    for (const utc of ['08', '07']) {
      const instant = Date.parse(`${date}T${utc}:00:00Z`)
      if (clock.format(instant) === '09:00' && instant > after + 600_000) return instant
    }
  }
  throw new Error('no 9:00 in Paris within three days')
}

it('sends a mailing scheduled for 9:00 Paris at 9:00 Paris, with the photo HQ changed a minute before', async () => {
  const fr = system.token({ sub: 'sophie.fr', role: 'marketer', subs: ['FR'] })
  const created = await system.api('/api/mailings', {
    token: fr,
    body: {
      name: 'Lettre du matin',
      subsidiary: 'FR',
      content: {
        subject: { fr: 'Bonjour {{ contact.firstName }}, nos nouveautés' },
        blocks: [{ kind: 'local', id: 'intro', body: { fr: '<mj-text>Bonjour {{ contact.firstName }}, voici nos nouveautés.</mj-text>' } }, { kind: 'global', block: BLOCK }],
      },
    },
  })
  expect(created.status).toBe(201)
  const id = created.body.id as string

  const serverNow = await temporal.env.currentTimeMs()
  const nine = nextNineInParis(serverNow)
  const parisDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(nine)
  const response = await fetch(`http://127.0.0.1:${(scheduling.address() as AddressInfo).port}/api/mailings/${id}/schedule`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await fr}`, 'content-type': 'application/json' },
    body: JSON.stringify({ mode: 'at', localTime: `${parisDate}T09:00` }),
  })
  const scheduled = await response.json()
  expect(response.status).toBe(202)
  expect(scheduled).toMatchObject({ status: 'scheduled', timeZone: 'Europe/Paris' })
  expect(scheduled.sendAt).toBe(new Date(nine).toISOString())
  expect(new Date(nine).getUTCHours()).toBe(isSummerInParis(nine) ? 7 : 8)

  // A minute before 9:00 on the server's clock: nothing has left yet.
  await temporal.env.sleep(nine - 60_000 - (await temporal.env.currentTimeMs()))
  const mine = (mail: { messageId: string }) => mail.messageId.startsWith(`<mailing.${id}.`)
  expect(system.sink!.mails().filter(mine)).toEqual([])
  expect((await system.api(`/api/mailings/${id}/progress`, { token: fr })).body).toMatchObject({ status: 'scheduled', sent: 0 })

  // HQ changes the product photo in its block, now.
  const block = await system.api(`/api/templates/blocks/${BLOCK}`)
  const body = Object.fromEntries(Object.entries(block.body.content.body as Record<string, string>).map(([locale, mjml]) => [locale, `<mj-image src="${NEW_PHOTO}" alt="HydroStat 3000" />${mjml}`]))
  expect((await system.api(`/api/templates/blocks/${BLOCK}`, { method: 'PUT', body: { content: { ...block.body.content, body } } })).status).toBe(201)

  // Past 9:00: the mails leave (the server's clock runs at wall-clock pace again after the skip).
  await temporal.env.sleep(61_000)
  const mails = await system.sink!.waitFor(mine, 3, 60_000)
  expect(mails.map((mail) => mail.to[0]).sort()).toEqual(['claire.dupont@dupont-industrie.example', 'elodie.bernard@bernard-plasturgie.example', 'julien.martin@martin-mecanique.example'])
  for (const mail of mails) {
    expect(mail.html).toContain(NEW_PHOTO)
    expect(mail.html).toContain('Nouveau : HydroStat 3000') // HQ's block in French
    expect(mail.html).toMatch(/Bonjour (Claire|Élodie|Elodie|Julien), voici nos nouveautés/)
    // Sent at 9:00 Paris: the Date header, on the server's clock, within the first round after 9:00.
    const sentAt = Date.parse(mail.headers.date!)
    expect(sentAt).toBeGreaterThanOrEqual(nine - 1_000) // the header has whole seconds
    expect(sentAt).toBeLessThan(nine + 30_000)
  }
  // The workflow ends once every recipient is settled; the send log says when each mail left.
  expect(await temporal.env.client.workflow.getHandle<typeof mailingSend>(`mailing-${id}`).result()).toBe('sent')
  const log = await system.sql<{ sent_at: Date }[]>`select sent_at from messages where mailing_id = ${id} and status = 'sent'`
  expect(log).toHaveLength(3)
  for (const row of log) expect(row.sent_at.getTime() - nine).toBeGreaterThanOrEqual(0)
  for (const row of log) expect(row.sent_at.getTime() - nine).toBeLessThan(30_000)
  expect((await system.api(`/api/mailings/${id}/progress`, { token: fr })).body).toMatchObject({ status: 'sent', total: 3, sent: 3, remaining: 0 })
}, 240_000)

/** Whether Paris keeps summer time (CEST, UTC+2) at that instant. */
function isSummerInParis(at: number): boolean {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', timeZoneName: 'shortOffset' }).format(at).includes('GMT+2')
}
