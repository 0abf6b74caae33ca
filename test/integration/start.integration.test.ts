import { spawn } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, expect, inject, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../helpers/database'

// `npm start`'s entry point as a user runs it (plain Node with tsx, not vitest's module loader, which
// forgives imports that Node's ESM loader refuses), against this run's Postgres and Temporal, with the
// built-in SMTP sink. Proves the process comes up, serves the API and the designer, and stops cleanly.
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
let database: TestDatabase | undefined
afterAll(() => database?.drop())

it('starts with the README command, prints the URLs, serves API and designer, and stops on SIGTERM', async () => {
  database = await createTestDatabase()
  const app = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      SMTP_SINK_PORT: '0',
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `start-test-${Date.now()}`,
      DATA_DIR: await mkdtemp(join(tmpdir(), 'campaigns-start-')),
    },
  })
  let output = ''
  app.stdout.on('data', (chunk) => (output += chunk))
  app.stderr.on('data', (chunk) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => app.once('exit', resolve))

  // Generous: on a loaded 2-core machine importing, migrating and seeding took 59 s (about 20 s when quiet).
  await expect.poll(() => output, { timeout: 180_000, interval: 200 }).toMatch(/is ready|could not start/)
  expect(output).toContain('is ready')
  const designer = /Designer \(sign in\): +(\S+)/.exec(output)![1]!
  const base = new URL(designer).origin
  expect(output).toMatch(/hq_marketer +katrin\.weiss@kessler-hydraulik\.example/)
  expect(output).toMatch(/Outbox \(SMTP sink\): +http:\/\/localhost:\d+\/outbox/)

  // The README's key for scripts, printed on the first start.
  const token = /KEY=(kc_\S+)/.exec(output)![1]!
  const campaigns = await fetch(`${base}/api/campaigns`, { headers: { authorization: `Bearer ${token}` } })
  expect(campaigns.status).toBe(200)
  expect((await campaigns.json()).campaigns.map((c: { name: string }) => c.name)).toContain('Onboarding after purchase')
  // The demo's trade fair (issue 17): the booked meeting's confirmation, with its QR code and .ics, is in the outbox.
  const outbox = (await (await fetch(`${base}/outbox.json`)).json()) as { mails: { to: string[]; subject: string; attachments: { filename: string }[] }[] }
  const meeting = outbox.mails.find((m) => m.to.includes('jonas.becker@becker-maschinenbau.example') && m.subject === 'Ihr Termin auf der maintenance Dortmund')
  expect(meeting?.attachments.map((a) => a.filename).sort()).toEqual(['meeting.ics', 'visitor-qr.png'])
  const page = await fetch(`${base}/`)
  expect(await page.text()).toContain('<div id="root">')

  app.kill('SIGTERM')
  expect(await exited).toBe(0)
}, 240_000)
