import { spawn } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { addDays, instantOf, TIME_OF_DAY, wallClock } from '../engine/nodes/zoned-time'
import { DEMO_PASSWORD } from '../server/seed-people'
import { deliverReport, deliveryStatusNotification } from '../test/helpers/mail-reports'

// Issue 15's "Done when", walked through against `npm start` (PGlite, Temporal dev server, SMTP sink,
// the worker in process) as its users would: Sophie Marchand (FR marketer) signs in, composes a mailing
// from HQ's product-news block and a local block she has DeepL translate (a local server speaking
// DeepL's format, as the tests use), schedules it for a Paris wall-clock time; Katrin Weiß (HQ) changes
// the product photo in the block before then; the mails in the outbox carry the new photo in French; a
// hard-bounce DSN sent over SMTP to a mail's return path makes the contact undeliverable (the checklist
// counts it). Run: npx tsx tools/mailing-done-when.ts [--at HH:MM | minutes ahead, default 2]: `--at 09:00`
// schedules for the next 9:00 on Paris clocks (today if still ahead, else tomorrow) and waits for it in real
// time; the waiting itself is what test/integration/mailing-paris-time.integration.test.ts skips. Uses its
// own ports and data directory, and stops what it started.

/** When to schedule the mailing (epoch ms): the next HH:MM in Paris with `--at`, else a few minutes ahead. */
function sendTime(args: string[]): number {
  const flag = args.indexOf('--at')
  if (flag < 0) return Date.now() + Number(args[0] ?? 2) * 60_000
  const match = TIME_OF_DAY.exec(args[flag + 1] ?? '')
  if (!match) throw new Error(`--at wants a time of day HH:MM (Paris), got ${args[flag + 1] ?? 'nothing'}`)
  // A minute at least for composing and translating before it, as a marketer would leave.
  const earliest = Date.now() + 60_000
  const today = { ...wallClock(Date.now(), 'Europe/Paris'), hour: Number(match[1]), minute: Number(match[2]), second: 0 }
  const at = instantOf(today, 'Europe/Paris')
  return at >= earliest ? at : instantOf(addDays(today, 1), 'Europe/Paris')
}
const BLOCK = 'product-news-hydrostat-3000'
const NEW_PHOTO = 'https://cdn.kessler-hydraulik.example/img/hydrostat-3000-v2.jpg'
const ports = { PORT: '3115', SMTP_SINK_PORT: '2615', INBOUND_SMTP_PORT: '2616', EMBEDDED_POSTGRES_PORT: '5515', TEMPORAL_PORT: '7315', TEMPORAL_UI_PORT: '8315' }
const base = `http://127.0.0.1:${ports.PORT}`
const say = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`)
function check(ok: boolean, what: string): void {
  say(`${ok ? 'PASS' : 'FAIL'} ${what}`)
  if (!ok) process.exitCode = 1
}

const deepl = createServer(async (req, res) => {
  let raw = ''
  for await (const chunk of req) raw += chunk
  const body = JSON.parse(raw)
  const translate = (text: string) => text.replace(/>([^<]+)</g, (_m, inner: string) => (inner.trim() ? `>[${body.target_lang}] ${inner}<` : `>${inner}<`))
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ translations: body.text.map((text: string) => ({ text: text.includes('<') ? translate(text) : `[${body.target_lang}] ${text}` })) }))
})
sendTime(process.argv.slice(2)) // a bad --at fails here, before anything starts
await new Promise<void>((resolve) => deepl.listen(0, '127.0.0.1', resolve))

const app = spawn('npm', ['start'], {
  env: { ...process.env, ...ports, DATA_DIR: mkdtempSync(join(tmpdir(), 'mailing-done-when-')), DATABASE_URL: '', DEEPL_API_KEY: 'walkthrough:fx', DEEPL_API_URL: `http://127.0.0.1:${(deepl.address() as AddressInfo).port}` },
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true,
})
let banner = ''
app.stdout.on('data', (chunk) => (banner += chunk))
app.stderr.on('data', (chunk) => (banner += chunk))
const stop = () => {
  try {
    process.kill(-app.pid!, 'SIGTERM')
  } catch {}
  deepl.close()
}

async function signIn(email: string) {
  const response = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: DEMO_PASSWORD }) })
  const me = await response.json()
  if (response.status !== 200) throw new Error(`sign-in of ${email}: ${response.status} ${JSON.stringify(me)}`)
  const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  return async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const method = init.method ?? (init.body === undefined ? 'GET' : 'POST')
    const answer = await fetch(base + path, { method, headers: { cookie, 'x-csrf-token': me.csrfToken, 'content-type': 'application/json' }, body: init.body === undefined ? undefined : JSON.stringify(init.body) })
    return { status: answer.status, body: (await answer.json().catch(() => null)) as any }
  }
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms: number): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const value = await probe().catch(() => null)
    if (value) return value
    if (Date.now() > end) throw new Error(`timed out: ${what}\n${banner.slice(-3000)}`)
    await new Promise((resolve) => setTimeout(resolve, 1000))
  }
}

try {
  await until('npm start', async () => banner.includes('Outbox'), 600_000)
  say(`npm start is up at ${base}`)
  const sophie = await signIn('sophie.marchand@fr.kessler-hydraulik.example')
  const created = await sophie('/api/mailings', {
    body: {
      name: 'Newsletter décembre',
      subsidiary: 'FR',
      content: {
        subject: { fr: 'Nouveautés de décembre, {{ contact.firstName }}' },
        blocks: [{ kind: 'local', id: 'intro', body: { de: '<mj-text>Hallo {{ contact.firstName }}, hier sind unsere Neuheiten.</mj-text>' } }, { kind: 'global', block: BLOCK }],
      },
    },
  })
  check(created.status === 201, `Sophie (FR marketer, signed in) composes a FR mailing with HQ's ${BLOCK} and a local block: ${created.status}`)
  const id = created.body.id
  const translated = await sophie(`/api/mailings/${id}/translate`, { body: { block: 'intro', sourceLocale: 'de', targetLocale: 'fr' } })
  check(translated.status === 201 && /\[FR\] Hallo \{\{ contact\.firstName \}\}/.test(translated.body.mailing.content.blocks[0].body.fr), `the local block is translated into French, Liquid intact, marked for review: ${JSON.stringify(translated.body?.mailing?.content?.review)}`)
  const at = sendTime(process.argv.slice(2))
  const w = wallClock(at, 'Europe/Paris')
  const pad = (n: number) => String(n).padStart(2, '0')
  const localTime = `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`
  const scheduled = await sophie(`/api/mailings/${id}/schedule`, { body: { mode: 'at', localTime } })
  check(scheduled.status === 202 && scheduled.body.timeZone === 'Europe/Paris' && scheduled.body.sendAt === new Date(Math.floor(at / 1000) * 1000).toISOString(), `scheduled for ${localTime} Paris time: ${JSON.stringify(scheduled.body)}`)

  const katrin = await signIn('katrin.weiss@kessler-hydraulik.example')
  const block = await katrin(`/api/templates/blocks/${BLOCK}`)
  const body = Object.fromEntries(Object.entries(block.body.content.body as Record<string, string>).map(([locale, mjml]) => [locale, `<mj-image src="${NEW_PHOTO}" alt="HydroStat 3000" />${mjml}`]))
  const changed = await katrin(`/api/templates/blocks/${BLOCK}`, { method: 'PUT', body: { content: { ...block.body.content, body } } })
  check(changed.status === 201 && Date.now() < at, `Katrin (HQ) changes the product photo in the block before the send time: ${changed.status}`)

  const progress = await until('the mailing is sent', async () => {
    const answer = await sophie(`/api/mailings/${id}/progress`)
    return answer.body?.status === 'sent' ? answer.body : null
  }, at - Date.now() + 300_000)
  say(`progress: ${JSON.stringify(progress)}`)
  const outbox = (await (await fetch(`${base}/outbox.json`)).json()).mails as { seq: number; to: string[]; messageId: string; receivedAt: string; headers: Record<string, string> }[]
  const mails = outbox.filter((mail) => mail.messageId.startsWith(`<mailing.${id}.`))
  check(mails.length === progress.sent && mails.length > 0, `${mails.length} mails in the outbox (sent ${progress.sent}, suppressed ${progress.suppressed})`)
  check(mails.every((mail) => Date.parse(mail.receivedAt) >= Math.floor(at / 1000) * 1000 - 50), 'none arrived before the Paris time set')
  const pages = await Promise.all(mails.map(async (mail) => (await fetch(`${base}/outbox/${mail.seq}`)).text()))
  check(pages.every((html) => html.includes(NEW_PHOTO) && html.includes('Nouveau : HydroStat 3000') && html.includes('[FR] Hallo')), 'every mail carries the new photo, in French')
  const counts = new Map<string, number>()
  for (const mail of mails) counts.set(mail.messageId, (counts.get(mail.messageId) ?? 0) + 1)
  check([...counts.values()].every((n) => n === 1), 'no Message-ID twice')

  const victim = mails[0]!
  const returnPath = (victim.headers['return-path'] ?? '').replace(/^<|>$/g, '')
  await deliverReport(Number(ports.INBOUND_SMTP_PORT), returnPath, deliveryStatusNotification({ to: returnPath, recipient: victim.to[0]!, status: '5.1.1', originalMessageId: victim.messageId }))
  const checklist = await sophie(`/api/mailings/${id}/checklist?links=false`)
  check(checklist.body?.recipients?.undeliverable === 1, `a hard-bounce DSN to ${returnPath} makes ${victim.to[0]} undeliverable: checklist ${JSON.stringify(checklist.body?.recipients)}`)
} catch (error) {
  check(false, (error as Error).message)
} finally {
  stop()
}
