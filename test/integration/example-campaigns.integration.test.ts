import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACK_TO_NURTURE_CAMPAIGN, CROSS_SELL_CAMPAIGN, LOYALTY_CAMPAIGN, NURTURE_CAMPAIGN, REACTIVATION_CAMPAIGN, UPSELL_CAMPAIGN } from '../../engine/examples'
import { chooseArm } from '../../engine/nodes/ab-split'
import { weekdayOf, wallClock } from '../../engine/nodes/zoned-time'
import { campaignTrigger, dateOccasion, inactivityOccasion } from '../../engine/triggers'
import { startTestSystem, type TestSystem } from '../helpers/system'
import { seedContact } from '../helpers/seed-contacts'

// The example campaigns as the demo seeds them, walked branch by branch with the simulation API (the
// production workflow on the time-skipping test server): which mails go out, in which order, on which
// day, which branch a click takes, that a goal ends the flow and that the language follows the contact.
let system: TestSystem
const ids = new Map<string, string>()
beforeAll(async () => {
  system = await startTestSystem({ runWorker: false, seedExamples: true })
  for (const row of await system.sql<{ id: string; name: string }[]>`select id, name from campaigns`) ids.set(row.name, row.id)
})
afterAll(() => system?.stop())

const DAY = 86_400_000
const email = seedContact

interface Simulation {
  outcome: { status: string; exitReason?: string }
  timeline: { at: string; kind: string; nodeId?: string; label: string }[]
  mails: { nodeId: string; template: string; subject: string; at: string }[]
}

// Every simulation starts today (each runs on a time-skipping server of its own), so the upsell's sample
// contacts get their dates relative to today (setUnitDates), as a marketer would set them.

async function simulate(campaign: string, body: { contact: string; trigger?: Record<string, string>; script?: unknown[]; horizon?: string }) {
  const horizon = body.horizon ?? '60d'
  const response = await system.api(`/api/campaigns/${ids.get(campaign)}/simulate`, {
    body: { source: 'live', contact: { email: body.contact }, trigger: body.trigger ?? {}, script: body.script ?? [], horizon },
  })
  expect(response.status, JSON.stringify(response.body)).toBe(200)
  const result = response.body as Simulation
  const started = Date.parse(result.timeline.find((entry) => entry.kind === 'step')!.at)
  return {
    ...result,
    /** The send steps whose mails went out, in order. */
    sent: result.mails.map((mail) => mail.nodeId),
    /** Days after entry at which each mail went out. */
    days: result.mails.map((mail) => (Date.parse(mail.at) - started) / DAY),
    /** The steps the contact went through, in order. */
    path: result.timeline.filter((entry) => entry.kind === 'step').map((entry) => entry.nodeId!),
    step: (nodeId: string) => result.timeline.find((entry) => entry.kind === 'step' && entry.nodeId === nodeId)!,
    updates: result.timeline.filter((entry) => entry.kind === 'contact_update').map((entry) => entry.label),
  }
}

const click = (at: string, mail: string, tag: string) => ({ at, type: 'click', mail, properties: { tag } })

/** Purchase and maintenance dates like the seed's, counted from today. */
const setUnitDates = (contact: string, dates: { boughtDaysAgo: number; maintenanceInDays: number }) => {
  const day = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10)
  const attributes = { purchased_at: day(-dates.boughtDaysAgo), maintenance_due: day(dates.maintenanceInDays) }
  return system.sql`update contacts set attributes = attributes || ${system.sql.json(attributes)} where email = ${contact}`
}

describe('the seeded demo', () => {
  it('has every example campaign live, and each passes publish validation again through the API', async () => {
    const live = await system.sql<{ name: string; kind: string; status: string }[]>`
      select c.name, c.kind, c.status from campaigns c join campaign_versions v on v.id = c.live_version_id`
    expect(live.map((c) => [c.name, c.kind, c.status])).toEqual(
      expect.arrayContaining([
        ['Onboarding after purchase', 'onboarding', 'live'],
        [NURTURE_CAMPAIGN, 'nurture', 'live'],
        [BACK_TO_NURTURE_CAMPAIGN, 'nurture', 'live'],
        [CROSS_SELL_CAMPAIGN, 'cross_sell', 'live'],
        [UPSELL_CAMPAIGN, 'upsell', 'live'],
        [LOYALTY_CAMPAIGN, 'loyalty', 'live'],
        [REACTIVATION_CAMPAIGN, 'loyalty', 'live'],
      ]),
    )
    expect(live).toHaveLength(7)
    for (const name of [NURTURE_CAMPAIGN, BACK_TO_NURTURE_CAMPAIGN, CROSS_SELL_CAMPAIGN, UPSELL_CAMPAIGN, LOYALTY_CAMPAIGN, REACTIVATION_CAMPAIGN]) {
      const published = await system.api(`/api/campaigns/${ids.get(name)}/publish`, { method: 'POST' })
      expect(published.status, `${name}: ${JSON.stringify(published.body)}`).toBe(201)
    }
  })

  it('gives the scanned triggers someone to find: HydroStat 2000 owners due within a year, two quiet contacts, four A customers', async () => {
    const contacts = await system.sql<{ email: string; attributes: Record<string, unknown>; created_at: Date; zone: string }[]>`
      select c.email, c.attributes, c.created_at, s.time_zone as zone from contacts c join subsidiaries s on s.id = c.subsidiary_id`
    const graphOf = async (name: string) =>
      (await system.sql<{ graph: never }[]>`select v.graph from campaigns c join campaign_versions v on v.id = c.live_version_id where c.id = ${ids.get(name)!}`)[0]!.graph
    const now = new Date()
    const upsell = campaignTrigger(await graphOf(UPSELL_CAMPAIGN))
    const reactivation = campaignTrigger(await graphOf(REACTIVATION_CAMPAIGN))
    if (upsell?.kind !== 'date' || reactivation?.kind !== 'inactivity') throw new Error('unexpected trigger kinds')
    const due = contacts.filter((c) => dateOccasion(upsell, { attributes: c.attributes, timeZone: c.zone }, now)).map((c) => c.email)
    expect(due.sort()).toEqual([email.anna, email.javier, email.julien, email.marco, email.miriam, email.pablo].sort())
    const quiet = contacts.filter((c) => inactivityOccasion(reactivation, { attributes: c.attributes, timeZone: c.zone, lastActiveAt: c.created_at }, now)).map((c) => c.email)
    expect(quiet.sort()).toEqual([email.elodie, email.lucia].sort())
    const [segment] = await system.sql<{ id: string }[]>`select id from segments where name = 'A customers'`
    expect((await system.api(`/api/segments/${segment!.id}/count`)).body.count).toBe(4)
  })
})

describe(NURTURE_CAMPAIGN, () => {
  it('without clicks: e-book, energy losses on day 3, the lighter quick wins on day 7, the offer on day 12, then finished', async () => {
    const run = await simulate(NURTURE_CAMPAIGN, { contact: email.jonas, horizon: '30d' })
    expect(run.sent).toEqual(['ebook', 'energy-losses', 'quick-wins', 'efficiency-offer'])
    expect(run.days.map(Math.round)).toEqual([0, 3, 7, 12])
    expect(run.mails[0]!.subject).toBe('Ihr E-Book „Schluss mit Antriebslosigkeit“ ist da')
    expect(run.path.at(-1)).toBe('nurture-finished')
    expect(run.updates).toEqual([])
    expect(run.outcome.status).toBe('completed')
  })

  it('a click on the energy check leads to the deeper case study and tags; a click on the offer hands over to sales (in French for Claire)', async () => {
    const run = await simulate(NURTURE_CAMPAIGN, {
      contact: email.claire,
      script: [click('4d', 'energy-losses', 'energy-check'), click('10d', 'efficiency-offer', 'demo-request')],
      horizon: '30d',
    })
    expect(run.sent).toEqual(['ebook', 'energy-losses', 'case-study', 'efficiency-offer'])
    expect(run.days.map(Math.round)).toEqual([0, 3, 4, 9])
    expect(run.step('energy-check-clicked').label).toMatch(/→ clicked$/)
    expect(run.mails[0]!.subject).toMatch(/^Votre e-book «\u00a0Fini le manque d'entrain\u00a0» est prêt$/)
    expect(run.mails[2]!.subject).toMatch(/^Cas client/)
    expect(run.updates).toEqual([
      'contact updated: add tag nurture-engaged, add tag interest-energy-efficiency',
      'contact updated: set lead_status = sales_ready, add tag sales-ready',
    ])
    expect(run.path.at(-1)).toBe('handover-point')
    // The handover step hands the lead to sales (not in a simulation) and the lead leaves the nurture.
    expect(run.outcome).toEqual({ status: 'exited', exitReason: 'handed_over' })
  })

  it('a demo request is the goal: Marco leaves as converted wherever he is, in Italian until then', async () => {
    const run = await simulate(NURTURE_CAMPAIGN, { contact: email.marco, script: [{ at: '5d', type: 'demo_requested' }], horizon: '30d' })
    expect(run.sent).toEqual(['ebook', 'energy-losses'])
    expect(run.mails[1]!.subject).toBe('Dove il Suo impianto idraulico spreca energia: tre punti tipici')
    expect(run.outcome).toEqual({ status: 'converted', exitReason: 'goal_reached' })
  })
})

describe(BACK_TO_NURTURE_CAMPAIGN, () => {
  const rejection = { handoverId: '00000000-0000-4000-8000-000000000001', reason: 'no budget before 2027' }

  it('rests a month after the rejection, then one savings mail; silence ends it with the lead marked recycled', async () => {
    const run = await simulate(BACK_TO_NURTURE_CAMPAIGN, { contact: email.jonas, trigger: rejection, horizon: '90d' })
    expect(run.updates).toEqual(['contact updated: set lead_status = recycled, add tag recycled, remove tag sales-ready'])
    expect(run.sent).toEqual(['savings-news'])
    expect(run.days.map(Math.round)).toEqual([30])
    expect(run.mails[0]!.subject).toBe('Weniger Energie, gleiche Leistung: neue Zahlen aus der Praxis')
    expect(run.path.at(-1)).toBe('still-quiet')
    expect(run.outcome.status).toBe('completed')
  })

  it('a click on the savings calculator brings the analysis offer back, and a click on that hands Claire over again (in French)', async () => {
    const run = await simulate(BACK_TO_NURTURE_CAMPAIGN, {
      contact: email.claire,
      trigger: rejection,
      script: [click('31d', 'savings-news', 'savings-calculator'), click('36d', 'efficiency-offer', 'demo-request')],
      horizon: '90d',
    })
    expect(run.sent).toEqual(['savings-news', 'efficiency-offer'])
    expect(run.days.map(Math.round)).toEqual([30, 34])
    expect(run.mails[0]!.subject).toBe("Moins d'énergie, même performance : de nouveaux chiffres du terrain")
    expect(run.updates.at(-1)).toBe('contact updated: set lead_status = sales_ready, add tag sales-ready')
    expect(run.path.at(-1)).toBe('handover-again')
    expect(run.outcome).toEqual({ status: 'exited', exitReason: 'handed_over' })
  })
})

describe(CROSS_SELL_CAMPAIGN, () => {
  const trigger = { product: 'HydroStat 2000' }
  it.each([
    { who: 'Anna', contact: email.anna, tag: 'service-kit', offer: 'offer-service-kit', interest: 'interest-service-kit', subject: 'ServiceKit: Wartung in Eigenregie für Ihr HydroStat 2000' },
    { who: 'Marco', contact: email.marco, tag: 'cleaning-agents', offer: 'offer-hydroclean', interest: 'interest-cleaning-agents', subject: 'HydroClean: la pulizia giusta per il Suo HydroStat 2000' },
    { who: 'Javier', contact: email.javier, tag: 'hydroscope', offer: 'offer-hydroscope', interest: 'interest-hydroscope', subject: 'HydroScope: vea lo que ocurre en su HydroStat 2000' },
  ])('$who clicks $tag in the overview and gets that offer the same day, tagged with the interest', async ({ contact, tag, offer, interest, subject }) => {
    const run = await simulate(CROSS_SELL_CAMPAIGN, { contact, trigger, script: [click('1d', 'overview', tag)], horizon: '10d' })
    expect(run.sent).toEqual(['overview', offer])
    expect(run.days[1]).toBeCloseTo(1, 1)
    expect(run.mails[1]!.subject).toBe(subject)
    expect(run.updates).toEqual([`contact updated: add tag ${interest}`])
    expect(run.outcome.status).toBe('completed')
  })

  it('without a click Julien gets the ServiceKit offer after five days, untagged, in French', async () => {
    const run = await simulate(CROSS_SELL_CAMPAIGN, { contact: email.julien, trigger, horizon: '10d' })
    expect(run.sent).toEqual(['overview', 'default-offer'])
    expect(run.mails.map((mail) => mail.template)).toEqual(['crosssell-overview', 'crosssell-servicekit'])
    expect(run.days[1]).toBeCloseTo(5, 2)
    expect(run.mails[0]!.subject).toBe('Votre HydroStat 2000 est opérationnel\u00a0: trois alliés pour le quotidien')
    expect(run.updates).toEqual([])
  })

  it('buying HydroClean is a goal: the contact leaves as converted before any offer', async () => {
    const run = await simulate(CROSS_SELL_CAMPAIGN, { contact: email.lukas, trigger, script: [{ at: '2d', type: 'purchase', properties: { product: 'HydroClean' } }], horizon: '10d' })
    expect(run.sent).toEqual(['overview'])
    expect(run.outcome).toEqual({ status: 'converted', exitReason: 'goal_reached' })
  })
})

describe(UPSELL_CAMPAIGN, () => {
  it('Anna (HydroStat 2000 bought four years ago): maintenance reminder, comparison a week later, last reminder 30 days before the due date', async () => {
    await setUnitDates(email.anna, { boughtDaysAgo: 1500, maintenanceInDays: 150 })
    const run = await simulate(UPSELL_CAMPAIGN, { contact: email.anna, horizon: '200d' })
    expect(run.sent).toEqual(['maintenance-reminder', 'comparison', 'last-reminder'])
    expect(run.days[0]).toBeLessThan(0.01) // older than three years: no hold
    expect(run.days[1]).toBeCloseTo(7, 2)
    // Due in 150 days; 30 days before that, at midnight on her clock.
    expect(run.days[2]).toBeGreaterThan(118.5)
    expect(run.days[2]).toBeLessThan(120.5)
    expect(run.mails[0]!.subject).toBe('Wartung für Ihr HydroStat 2000 steht an – jetzt Wunschtermin sichern')
    expect(run.step('comparison-clicked').label).toContain('not clicked within 7 days')
    expect(run.outcome.status).toBe('completed')
  })

  it('Marco clicks the comparison and gets the customer case, then books the service: converted', async () => {
    await setUnitDates(email.marco, { boughtDaysAgo: 2600, maintenanceInDays: 75 })
    const run = await simulate(UPSELL_CAMPAIGN, {
      contact: email.marco,
      script: [click('8d', 'comparison', 'hydrostat-3000'), { at: '20d', type: 'service_booked' }],
      horizon: '60d',
    })
    expect(run.sent).toEqual(['maintenance-reminder', 'comparison', 'customer-case'])
    expect(run.days.map(Math.round)).toEqual([0, 7, 8])
    expect(run.mails[2]!.subject).toBe("Dall'HydroStat 2000 al 3000: l'esperienza di uno stampatore")
    expect(run.updates).toEqual(['contact updated: add tag upgrade-interest'])
    expect(run.outcome).toEqual({ status: 'converted', exitReason: 'goal_reached' })
  })

  it('holds a unit younger than three years until its third year (Miriam: bought 700 days ago)', async () => {
    await setUnitDates(email.miriam, { boughtDaysAgo: 700, maintenanceInDays: 100 })
    const run = await simulate(UPSELL_CAMPAIGN, { contact: email.miriam, horizon: '420d' })
    expect(run.sent[0]).toBe('maintenance-reminder')
    // 156 weeks after the purchase, at midnight on her clock: 392 days from now, less the hours since midnight.
    expect(run.days[0]).toBeGreaterThan(1092 - 700 - 1.5)
    expect(run.days[0]).toBeLessThan(1092 - 700 + 0.5)
    // By then the seeded due date has passed: the last reminder follows the comparison's click wait at once.
    expect(run.sent).toEqual(['maintenance-reminder', 'comparison', 'last-reminder'])
  })

  it('lets a contact without a purchase date leave without mail', async () => {
    const run = await simulate(UPSELL_CAMPAIGN, { contact: email.elodie, horizon: '30d' })
    expect(run.sent).toEqual([])
    expect(run.path).toEqual(['maintenance-due', 'unit-age', 'no-purchase-date'])
    expect(run.outcome.status).toBe('completed')
  })
})

describe(LOYALTY_CAMPAIGN, () => {
  const contacts = [email.jonas, email.claire, email.marco, email.javier, email.anna, email.julien, email.lukas, email.giulia]
  const tierA = new Set([email.jonas, email.claire, email.marco, email.javier])
  const zones: Record<string, string> = { jonas: 'Europe/Berlin', claire: 'Europe/Paris', marco: 'Europe/Rome', javier: 'Europe/Madrid' }
  const arms = [{ name: 'A', weight: 50 }, { name: 'B', weight: 50 }]
  const armOf = async (contact: string) => {
    const [row] = await system.sql<{ id: string }[]>`select id from contacts where email = ${contact}`
    return chooseArm(arms, `${ids.get(LOYALTY_CAMPAIGN)}/survey-split/${row!.id}`)
  }

  it('an A customer gets the survey of their arm, then the Hannover Messe invitation in business hours; the ticket click registers them as a guest', async () => {
    const contact = contacts.find((c) => tierA.has(c))!
    const arm = await armOf(contact)
    const surveyStep = arm === 'A' ? 'survey-a' : 'survey-b'
    const run = await simulate(LOYALTY_CAMPAIGN, {
      contact,
      script: [click('2d', surveyStep, 'survey'), click('24d', 'fair-invitation', 'fair-ticket')],
      horizon: '40d',
    })
    expect(run.step('survey-split').label).toContain(`→ ${arm} (50%)`)
    expect(run.sent).toEqual([surveyStep, 'fair-invitation'])
    expect(run.mails[0]!.template).toBe(`loyalty-survey-${arm.toLowerCase()}`)
    // Survey clicked on day 2, two weeks' wait, then the next Tuesday to Thursday morning on the contact's clock.
    // Script times count from the simulation's start, `days` from the first step a moment later: allow a minute.
    expect(run.days[1]).toBeGreaterThan(16 - 1 / (24 * 60))
    expect(run.days[1]).toBeLessThan(23)
    const local = wallClock(Date.parse(run.mails[1]!.at), zones[Object.entries(email).find(([, e]) => e === contact)![0]]!)
    expect(['tue', 'wed', 'thu']).toContain(weekdayOf(local))
    expect(local.hour).toBeGreaterThanOrEqual(9)
    expect(local.hour).toBeLessThan(12)
    expect(run.updates).toEqual(['contact updated: add tag survey-participant', 'contact updated: add tag hannover-messe-guest'])
    expect(run.timeline.some((entry) => entry.kind === 'webhook' && entry.nodeId === 'register-guest')).toBe(true)
    expect(run.path.at(-1)).toBe('guest-registered')
  })

  it('the other arm gets the other subject; a contact who is no (longer an) A customer gets no invitation', async () => {
    const first = await armOf(contacts.find((c) => tierA.has(c))!)
    let other: string | undefined
    for (const contact of contacts) if ((await armOf(contact)) !== first) other ??= contact
    // The arms depend on this run's campaign id: should all eight land in one arm (1 run in 128), new
    // contacts (not A customers) come in from the website until one lands in the other.
    for (let probe = 1; !other && probe <= 30; probe++) {
      const visitor = `arm-probe-${probe}@besucher.example`
      expect((await system.api('/api/events', { body: { type: 'visit', contact: { email: visitor, subsidiary: 'DE' }, properties: { path: '/de' } } })).status).toBe(202)
      if ((await armOf(visitor)) !== first) other = visitor
    }
    expect(other, 'no contact fell into the other arm').toBeDefined()
    const run = await simulate(LOYALTY_CAMPAIGN, { contact: other!, horizon: '40d' })
    const otherArm = first === 'A' ? 'B' : 'A'
    expect(run.mails[0]!.template).toBe(`loyalty-survey-${otherArm.toLowerCase()}`)
    expect(run.step('survey-clicked').label).toContain('not clicked within 7 days')
    if (tierA.has(other!)) expect(run.sent).toContain('fair-invitation')
    else {
      expect(run.sent).toHaveLength(1)
      expect(run.step('still-a-customer').label).toMatch(/→ no$/)
      expect(run.path.at(-1)).toBe('not-a-customer')
    }
  })
})

describe(REACTIVATION_CAMPAIGN, () => {
  it('no click within two weeks: Élodie is tagged dormant (in French)', async () => {
    const run = await simulate(REACTIVATION_CAMPAIGN, { contact: email.elodie, horizon: '30d' })
    expect(run.sent).toEqual(['whats-new'])
    expect(run.mails[0]!.subject).toBe('Cela fait longtemps\u00a0! Voici les nouveautés de Kessler Hydraulique')
    expect(run.updates).toEqual(['contact updated: add tag dormant'])
    expect(run.step('came-back').label).toContain('not clicked within 14 days')
    expect(run.path.at(-1)).toBe('still-quiet')
  })

  it('a click brings Lucía back: tagged reactivated, no longer dormant', async () => {
    const run = await simulate(REACTIVATION_CAMPAIGN, { contact: email.lucia, script: [click('3d', 'whats-new', 'whats-new')], horizon: '30d' })
    expect(run.mails[0]!.subject).toBe('Hace tiempo que no hablamos: novedades de Kessler Hidráulica')
    expect(run.updates).toEqual(['contact updated: add tag reactivated, remove tag dormant'])
    expect(run.path.at(-1)).toBe('reactivated')
  })

  it('a purchase while waiting is the goal', async () => {
    const run = await simulate(REACTIVATION_CAMPAIGN, { contact: email.giulia, script: [{ at: '2d', type: 'purchase', properties: { product: 'ServiceKit' } }], horizon: '30d' })
    expect(run.sent).toEqual(['whats-new'])
    expect(run.outcome).toEqual({ status: 'converted', exitReason: 'goal_reached' })
  })
})
