import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TrackingPayload } from '../../activities/send-campaign-email'
import { onboardingGraph } from '../../engine/examples/onboarding'
import type { ReceivedMail } from '../../server/smtp-sink'
import { markSignalledAhead } from '../../db/events'
import { createEventDispatcher } from '../../engine/dispatcher'
import type { TrackedEvent } from '../../engine/nodes'
import { trackedEventSignal } from '../../engine/workflows/enrolment'
import { startTestSystem, type TestSystem } from '../helpers/system'

// Website visits, identification, tracked downloads, machine opens and scanner clicks, and batched events
// on the real system. The machine-click timing rules are on here (5 s after delivery, 2 s bursts), and the
// onboarding's click wait is short, so a scanner's click can be seen not taking the "clicked" branch.
let system: TestSystem
beforeAll(async () => {
  system = await startTestSystem({ onboarding: onboardingGraph({ clickTimeout: '5s' }), machineClickAfterDelivery: '5s', machineClickBurst: '2s' })
})
afterAll(() => system?.stop())

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36'
const to = (address: string) => (mail: ReceivedMail) => mail.to.includes(address)
const trackedLinks = (mail: ReceivedMail) => [...mail.html.matchAll(/href="([^"]*\/t\/c\/[^"]+)"/g)].map((match) => match[1]!.replace(/&amp;/g, '&'))

/** A cookie jar of one browser, enough for the tracking host's two cookies. */
function browser() {
  const jar = new Map<string, string>()
  const remember = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const at = pair!.indexOf('=')
      jar.set(pair!.slice(0, at), pair!.slice(at + 1))
    }
  }
  const headers = () => ({ cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), 'user-agent': CHROME })
  return {
    jar,
    visit: async (url: string, title = 'Kessler Hydraulik') => {
      const response = await fetch(`${system.baseUrl}/t/v`, { method: 'POST', headers: { ...headers(), 'content-type': 'text/plain', origin: 'http://localhost:1' }, body: JSON.stringify({ account: 'kessler', url, title, referrer: 'https://www.google.com/' }) })
      remember(response)
      return { status: response.status, body: (await response.json()) as any }
    },
    click: async (link: string) => {
      const response = await fetch(link, { redirect: 'manual', headers: headers() })
      remember(response)
      return response
    },
  }
}

async function contactId(email: string): Promise<string> {
  return (await system.sql<{ id: string }[]>`select id from contacts where email = ${email}`)[0]!.id
}

function clickLink(email: string, id: string, url: string, extra: Partial<TrackingPayload> = {}): string {
  const payload: TrackingPayload = { a: system.demoAccountId!, c: id, e: '00000000-0000-0000-0000-000000000000', p: '00000000-0000-0000-0000-000000000000', n: 'news', m: `<manual.${email}@test>`, u: url, ...extra }
  return `${system.baseUrl}/t/c/${system.tokens.sign('click', payload)}`
}

describe('website tracking', () => {
  it('serves a snippet under 2 kB that needs nothing else', async () => {
    const response = await fetch(`${system.baseUrl}/t/snippet.js`)
    expect(response.headers.get('content-type')).toContain('javascript')
    const source = await response.text()
    expect(Buffer.byteLength(source)).toBeLessThan(2048)
    expect(source).toContain('/t/v')
  })

  it('attributes anonymous visits to the contact once a tracked click identifies them, pricing page included', async () => {
    const email = 'lukas.weber@weber-kunststoff.example'
    const id = await contactId(email)
    const visitor = browser()
    const before = await visitor.visit('https://www.kessler-hydraulik.example/de/preise?model=hs2000', 'Preise')
    expect(before).toMatchObject({ status: 200, body: { known: false } })
    expect((await system.sql`select count(*)::int as n from events where contact_id = ${id} and type = 'visit'`)[0]!.n).toBe(0)

    const click = await visitor.click(clickLink(email, id, 'https://www.kessler-hydraulik.example/de/hydrostat'))
    expect(click.status).toBe(302)
    expect(visitor.jar.has('mt_c')).toBe(true)
    const earlier = await system.sql<{ properties: any }[]>`select properties from events where contact_id = ${id} and type = 'visit'`
    expect(earlier).toHaveLength(1)
    expect(earlier[0]!.properties).toMatchObject({ path: '/de/preise', pageKind: 'pricing', title: 'Preise', url: 'https://www.kessler-hydraulik.example/de/preise?model=hs2000' })

    const after = await visitor.visit('https://www.kessler-hydraulik.example/de/service')
    expect(after.body.known).toBe(true)
    const paths = await system.sql<{ path: string }[]>`select properties->>'path' as path from events where contact_id = ${id} and type = 'visit' order by occurred_at`
    expect(paths.map((p) => p.path)).toEqual(['/de/preise', '/de/service'])

    // Another browser with only the signed contact cookie (e.g. after clearing the visitor id) is still known …
    const other = browser()
    other.jar.set('mt_c', visitor.jar.get('mt_c')!)
    expect((await other.visit('https://www.kessler-hydraulik.example/de/kontakt')).body.known).toBe(true)
    // … but a forged one is not.
    const forger = browser()
    forger.jar.set('mt_c', `${Buffer.from(JSON.stringify({ a: system.demoAccountId, c: id })).toString('base64url')}.AAAA`)
    expect((await forger.visit('https://www.kessler-hydraulik.example/de/')).body.known).toBe(false)
  })

  it('refuses a visit without a valid URL or account, naming the field', async () => {
    const visitor = browser()
    const response = await fetch(`${system.baseUrl}/t/v`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ account: 'kessler', url: 'javascript:alert(1)' }) })
    expect(response.status).toBe(400)
    expect(((await response.json()) as any).error.field).toBe('url')
    void visitor
  })
})

describe('tracked downloads and machine events', () => {
  it('records a download beside the click for document links and links tagged "download"', async () => {
    const email = 'miriam.hoffmann@hoffmann-werkzeug.example'
    const id = await contactId(email)
    const visitor = browser()
    await visitor.click(clickLink(email, id, 'https://www.kessler-hydraulik.example/files/datenblatt-hs2000.pdf', { m: '<dl-1@test>' }))
    await visitor.click(clickLink(email, id, 'https://www.kessler-hydraulik.example/katalog', { m: '<dl-2@test>', g: 'download-katalog' }))
    const downloads = await system.sql<{ properties: any; suspected_machine: boolean }[]>`select properties, suspected_machine from events where contact_id = ${id} and type = 'download' order by occurred_at`
    expect(downloads.map((d) => d.properties.asset)).toEqual(['datenblatt-hs2000.pdf', 'katalog'])
    expect(downloads.every((d) => !d.suspected_machine)).toBe(true)
  })

  it('flags privacy-proxy opens and clicks on every link at once, with the reason', async () => {
    const email = 'giulia.bianchi@bianchi-stampi.example'
    const id = await contactId(email)
    const open = (headers: Record<string, string>, m: string) =>
      fetch(`${system.baseUrl}/t/o/${system.tokens.sign('open', { a: system.demoAccountId!, c: id, e: 'x', p: 'x', n: 'x', m } satisfies TrackingPayload)}`, { headers })
    await open({ 'user-agent': 'Mozilla/5.0' }, 'apple-ua')
    await open({ 'user-agent': CHROME, 'x-forwarded-for': '17.58.101.4' }, 'apple-ip')
    await open({ 'user-agent': 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)' }, 'gmail')
    await open({ 'user-agent': CHROME, 'x-forwarded-for': '203.0.113.9' }, 'person')
    const opens = await system.sql<{ m: string; suspected_machine: boolean; reason: string | null }[]>`
      select properties->>'messageId' as m, suspected_machine, properties->>'machineReason' as reason from events where contact_id = ${id} and type = 'open'`
    const byMessage = Object.fromEntries(opens.map((o) => [o.m, o.reason]))
    expect(byMessage).toEqual({ 'apple-ua': 'apple_mail_privacy_proxy', 'apple-ip': 'apple_mail_privacy_proxy', gmail: 'gmail_image_proxy', person: null })

    // A scanner follows every link of a mail within a second: the later clicks and, in hindsight, the first.
    const scanner = browser()
    for (const page of ['a', 'b', 'c']) await scanner.click(clickLink(email, id, `https://www.kessler-hydraulik.example/${page}`, { m: '<burst@test>' }))
    const clicks = await system.sql<{ suspected_machine: boolean; reason: string }[]>`
      select suspected_machine, properties->>'machineReason' as reason from events where contact_id = ${id} and type = 'click' and properties->>'messageId' = '<burst@test>'`
    expect(clicks).toHaveLength(3)
    expect(clicks.every((c) => c.suspected_machine && c.reason === 'clicked_many_links_at_once')).toBe(true)
  })

  it('flags a click within seconds of delivery, which does not take the campaign’s "clicked" branch', async () => {
    const email = 'claire.dupont@dupont-industrie.example'
    const purchase = await system.api('/api/events', { body: { type: 'purchase', contact: { email }, properties: { product: 'HydroStat 2000' } } })
    expect(purchase.status).toBe(202)
    const [welcome] = await system.sink!.waitFor(to(email), 1, 30_000)
    const click = await fetch(trackedLinks(welcome!)[0]!, { redirect: 'manual', headers: { 'user-agent': CHROME } })
    expect(click.status).toBe(302) // the reader (or scanner) still gets the page
    const id = purchase.body.contactId
    const [event] = await system.sql<{ suspected_machine: boolean; properties: any }[]>`select suspected_machine, properties from events where contact_id = ${id} and type = 'click'`
    expect(event).toMatchObject({ suspected_machine: true, properties: { machineReason: 'clicked_within_seconds_of_delivery' } })
    // The wait runs out: the reminder follows, not the care tips a real click would bring.
    const mails = await system.sink!.waitFor(to(email), 2, 30_000)
    expect(mails[1]!.messageId).toContain('.reminder.1@')
    expect(mails.some((mail) => mail.messageId.includes('.care-tips.'))).toBe(false)
  })
})

describe('events API batches', () => {
  it('stores the good events of a batch and names the bad one by index and field', async () => {
    const response = await system.api('/api/events', {
      body: {
        events: [
          { type: 'webinar_attended', contact: { email: 'anna.schmidt@schmidt-pressen.example' }, properties: { webinar: 'Hydraulik 4.0' } },
          { type: 'Webinar Attended!', contact: { email: 'jonas.becker@becker-maschinenbau.example' } },
          { type: 'webinar_attended', contact: { email: 'new.lead@kunde.example', subsidiary: 'IT' } },
        ],
      },
    })
    expect(response.status).toBe(207)
    expect(response.body.accepted.map((a: { index: number }) => a.index)).toEqual([0, 2])
    expect(response.body.rejected).toEqual([expect.objectContaining({ index: 1, field: 'events.1.type', message: expect.stringContaining('events.1.type') })])
    const stored = await system.sql`select c.email from events e join contacts c on c.id = e.contact_id where e.type = 'webinar_attended' order by c.email`
    expect(stored.map((row) => row.email)).toEqual(['anna.schmidt@schmidt-pressen.example', 'new.lead@kunde.example'])
  })

  it('answers 202 when all are stored, 400 when none is, and refuses oversized batches', async () => {
    const good = { type: 'fair_visit', contact: { email: 'marco.rossi@rossi-macchine.example' } }
    const all = await system.api('/api/events', { body: { events: [good, good] } })
    expect(all.status).toBe(202)
    expect(all.body.accepted).toHaveLength(2)
    const none = await system.api('/api/events', { body: { events: [{ type: 'fair_visit', contact: { email: 'nope' } }] } })
    expect(none.status).toBe(400)
    expect(none.body.rejected[0]).toMatchObject({ index: 0, field: 'events.0.contact.email' })
    const scoped = await system.api('/api/events', { body: { events: [{ ...good, contact: { email: 'marco.rossi@rossi-macchine.example' } }] }, token: system.token({ subs: ['FR'] }) })
    expect(scoped.body.rejected[0]).toMatchObject({ index: 0, status: 404, field: 'events.0.contact.email' })
    const tooMany = await system.api('/api/events', { body: { events: Array.from({ length: 501 }, () => good) } })
    expect(tooMany.status).toBe(413)
    expect(tooMany.body.error.field).toBe('events')
  })
})

// Last in this file: it stops the dispatcher.
describe('a click on a waiting enrolment', () => {
  it('takes the "clicked" branch straight from the tracking route, without a dispatcher round', async () => {
    const email = 'javier.garcia@garcia-prensas.example'
    const purchase = await system.api('/api/events', { body: { type: 'purchase', contact: { email }, properties: { product: 'HydroStat 2000' } } })
    expect(purchase.status).toBe(202)
    const [welcome] = await system.sink!.waitFor(to(email), 1, 30_000)
    // The reader comes back a minute after delivery (a scanner's instant click takes no branch, see above).
    // The send log records "sent" a moment after the relay took the mail (marks are batched): backdating
    // before that was overwritten, and the click counted as a scanner's on a loaded machine.
    await expect.poll(async () => (await system.sql<{ status: string }[]>`select status from messages where message_id = ${welcome!.messageId}`)[0]?.status, { timeout: 30_000 }).toBe('sent')
    await system.sql`update messages set sent_at = now() - interval '1 minute' where message_id = ${welcome!.messageId}`
    await system.dispatcher.stop()
    const click = await fetch(trackedLinks(welcome!)[0]!, { redirect: 'manual', headers: { 'user-agent': CHROME } })
    expect(click.status).toBe(302)
    // The enrolment's own next mail, whatever else the purchase set going meanwhile (other campaigns' mails
    // may arrive in between on a loaded machine); the failure lists everything the contact received.
    const enrolment = welcome!.messageId.split('.welcome.')[0]!
    const careTips = await system.sink!.waitFor((mail) => to(email)(mail) && mail.messageId.startsWith(`${enrolment}.care-tips.`), 1, 30_000).catch((error) => {
      throw new Error(`no care-tips mail of ${enrolment}; the contact received: ${system.sink!.mails().filter(to(email)).map((m) => `${m.messageId} ${m.subject}`).join(' | ')} (${error})`)
    })
    expect(careTips).toHaveLength(1)
    const ids = system.sink!.mails().filter(to(email)).map((mail) => mail.messageId)
    expect(ids.length, 'no mail twice').toBe(new Set(ids).size)
    // No round handed it on: the route's signal did. The event waits for the next round, which guarantees it,
    // and names the enrolment the route reached, which that round does not signal again.
    const [event] = await system.sql<{ dispatched_at: Date | null; suspected_machine: boolean; signalled_workflow_ids: string[] | null }[]>`
      select dispatched_at, suspected_machine, signalled_workflow_ids from events where contact_id = ${purchase.body.contactId} and type = 'click'`
    const [onboarding] = await system.sql<{ workflow_id: string }[]>`
      select n.workflow_id from enrolments n join messages m on m.enrolment_id = n.id where m.message_id = ${welcome!.messageId}`
    expect(event).toMatchObject({ dispatched_at: null, suspected_machine: false })
    expect(event!.signalled_workflow_ids).toContain(onboarding!.workflow_id)
  })

  it('has the round signal a click to the enrolments the route did not reach, and only to those, waiting for a signal in flight', async () => {
    // A contact waiting in an enrolment; its workflow is not running, so a signal is attempted and refused
    // (as for an enrolment that just finished), which is all the round's decision needs.
    const [subsidiary] = await system.sql<{ id: string }[]>`select id from subsidiaries where account_id = ${system.demoAccountId!} and code = 'DE'`
    const [contact] = await system.sql<{ id: string }[]>`
      insert into contacts (account_id, subsidiary_id, email, consent_status) values (${system.demoAccountId!}, ${subsidiary!.id}, 'signal.once@example.de', 'granted') returning id`
    const [campaign] = await system.sql<{ id: string; live_version_id: string }[]>`
      select id, live_version_id from campaigns where account_id = ${system.demoAccountId!} and live_version_id is not null limit 1`
    const workflowId = `waiting-${contact!.id}`
    await system.sql`
      insert into enrolments (account_id, campaign_id, version_id, contact_id, workflow_id)
      values (${system.demoAccountId!}, ${campaign!.id}, ${campaign!.live_version_id}, ${contact!.id}, ${workflowId})`
    const click = async () => {
      const [row] = await system.sql<{ id: string; properties: Record<string, unknown>; occurred_at: Date }[]>`
        insert into events (account_id, contact_id, type, source) values (${system.demoAccountId!}, ${contact!.id}, 'click', 'tracking') returning id, properties, occurred_at`
      return { ...row!, contact_id: contact!.id, type: 'click' }
    }
    const signals: { workflowId: string; eventId: string }[] = []
    const dispatcherWith = (signal: (workflowId: string, event: TrackedEvent) => Promise<void>) => {
      const workflow = new Proxy(system.client.workflow, {
        get: (target, key) =>
          key === 'getHandle' ? (id: string) => ({ signal: (_: unknown, event: TrackedEvent) => signal(id, event) }) : bound(target, key),
      })
      const client = new Proxy(system.client, { get: (target, key) => (key === 'workflow' ? workflow : bound(target, key)) })
      return createEventDispatcher({ sql: system.sql, client, taskQueue: system.config.temporal.taskQueue, sweepIntervalMs: 3_600_000 })
    }
    const unreachable = dispatcherWith(async () => {
      throw new Error('Temporal is unreachable')
    })
    const recording = dispatcherWith(async (id, event) => {
      signals.push({ workflowId: id, eventId: event.eventId })
      await system.client.workflow.getHandle(id).signal(trackedEventSignal, event)
    })
    // A route's signal that is accepted only when the test says so.
    let accept!: () => void
    const accepted = new Promise<void>((resolve) => (accept = resolve))
    const slow = dispatcherWith(async (id, event) => {
      signals.push({ workflowId: id, eventId: event.eventId })
      await accepted
    })
    try {
      // The route's signal failed: nothing is recorded, the round signals the enrolment.
      const notSignalled = await click()
      await expect(unreachable.signalNow(notSignalled)).rejects.toThrow('unreachable')
      // The route's signal reached the enrolment: the round leaves it alone.
      const signalled = await click()
      await markSignalledAhead(system.sql, signalled.id, [workflowId])
      await recording.dispatchPending()
      expect(signals.filter((signal) => signal.workflowId === workflowId)).toEqual([{ workflowId, eventId: notSignalled.id }])
      const events = await system.sql<{ id: string; dispatched: boolean; signalled_workflow_ids: string[] | null }[]>`
        select id, dispatched_at is not null as dispatched, signalled_workflow_ids from events where contact_id = ${contact!.id} order by received_at`
      expect(events).toEqual([
        { id: notSignalled.id, dispatched: true, signalled_workflow_ids: null },
        { id: signalled.id, dispatched: true, signalled_workflow_ids: [workflowId] },
      ])

      // Another click's round claims this click while the route's signal is in flight (nothing recorded on
      // the event yet): it waits for that signal instead of repeating it.
      const inFlight = await click()
      const routeSignal = slow.signalNow(inFlight)
      const round = slow.dispatchPending()
      await expect.poll(async () => (await system.sql`select 1 from events where id = ${inFlight.id} and dispatch_claimed_until is not null`).length).toBe(1)
      accept()
      await Promise.all([routeSignal, round])
      expect(signals.filter((signal) => signal.eventId === inFlight.id)).toEqual([{ workflowId, eventId: inFlight.id }])
    } finally {
      await Promise.all([unreachable.stop(), recording.stop(), slow.stop()])
    }
  })
})

/** A property of the real object, its methods bound to it (the proxies above replace only what they name). */
function bound(target: object, key: string | symbol): unknown {
  const value = Reflect.get(target, key, target)
  return typeof value === 'function' ? value.bind(target) : value
}
