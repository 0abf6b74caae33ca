import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { wallClock } from '../../engine/nodes/zoned-time'
import { artifact, launchChromium } from '../helpers/browser'
import { startTestSystem, type TestSystem } from '../helpers/system'
import { DEMO_PASSWORD } from '../../server/seed-people'

// The mailing editor as the French subsidiary's marketer uses it, in French: compose from HQ's
// product-news block and an own block, preview per language and sample contact, the checklist, a test
// send, scheduling at a Paris time a few seconds ahead, and the progress view until every mail is in
// the SMTP sink; then pause, resume and cancel of a mailing scheduled for tomorrow, each saying how many
// recipients it affects. Needs `npm run build:designer` first (`npm test` does it).

let system: TestSystem
let browser: Browser

beforeAll(async () => {
  system = await startTestSystem()
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await system?.stop()
})

const previewText = (page: Page) => page.frameLocator('[data-testid="mailing-preview"]').locator('body').innerText()
const parisTime = (ms: number) => {
  const w = wallClock(ms, 'Europe/Paris')
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`
}

const SOPHIE = 'sophie.marchand@fr.kessler-hydraulik.example'

/** A new page (its own context, so its own session) signed in as a seeded user, on the Mailings view; its page errors go to `errors`. */
async function openMailingsAs(email: string, errors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1500, height: 1100 } })
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(system.baseUrl + '/')
  await page.locator('input[name=email]').fill(email)
  await page.locator('input[name=password]').fill(DEMO_PASSWORD)
  await page.locator('form[data-testid=sign-in] button[type=submit]').click()
  await page.getByTestId('signed-in-as').waitFor({ timeout: 15_000 })
  await page.goto(`${system.baseUrl}/?view=mailings`)
  return page
}

it('composes, checks, schedules and follows a French mailing', async () => {
  // Sophie Marchand, the French subsidiary's marketer (a seeded user), signs in; she chose French, so the
  // designer speaks it.
  const errors: string[] = []
  const page = await openMailingsAs(SOPHIE, errors)

  // Composing, in French: a new mailing for FR, HQ's product news and an own block.
  await page.getByTestId('new-mailing-name').fill('Newsletter de décembre')
  await expect.poll(() => page.getByTestId('new-mailing-subsidiary').inputValue()).toBe('FR')
  await page.getByTestId('create-mailing').click()
  await expect.poll(() => page.getByTestId('mailing-title').textContent()).toContain('Brouillon')
  expect(await page.getByTestId('content-locale').inputValue()).toBe('fr')
  await page.getByTestId('mailing-subject').fill('Nouveautés de décembre, {{ contact.firstName }}')
  await page.getByTestId('mailing-preheader').fill('Le HydroStat 3000 est arrivé')
  await page.getByTestId('add-local-block').click()
  await page.getByTestId('local-block-source').fill('<mj-text>Bonjour {{ contact.firstName }}, voici nos nouveautés de fin d’année.</mj-text>')
  await page.getByTestId('add-global-block').selectOption('product-news-hydrostat-3000')
  await expect.poll(() => page.getByTestId('mailing-block').count()).toBe(2)
  await page.getByTestId('preview-contact').fill('claire.dupont@dupont-industrie.example')
  await expect.poll(() => previewText(page), { timeout: 20_000 }).toContain('Bonjour Claire, voici nos nouveautés')
  expect(await previewText(page)).toContain('Nouveau : HydroStat 3000')
  expect(await page.getByTestId('preview-subject').textContent()).toBe('Nouveautés de décembre, Claire')
  // The German preview of the same mailing: HQ's block in German, the own block not written in German yet.
  await page.getByTestId('content-locale').selectOption('de')
  await expect.poll(() => previewText(page), { timeout: 20_000 }).toContain('HydroStat 3000')
  expect(await page.getByText('Pas encore rédigé dans cette langue').count()).toBe(1)
  await page.getByTestId('content-locale').selectOption('fr')

  // The checklist: the missing German texts, and who is left out.
  await page.getByTestId('run-checklist').click()
  await expect.poll(() => page.getByTestId('checklist-recipients').textContent(), { timeout: 30_000 }).toContain('3 destinataires sur 3 le recevront')
  await page.screenshot({ path: artifact('mailing-compose.png'), fullPage: true })

  // A test send arrives in the sink marked as a test.
  await page.getByTestId('test-send-to').fill('amelie@fr.kessler-hydraulik.example')
  await page.getByTestId('test-send').click()
  const [test] = await system.sink!.waitFor((mail) => mail.to.includes('amelie@fr.kessler-hydraulik.example'), 1, 20_000)
  expect(test!.subject).toBe('[TEST] Nouveautés de décembre, Claire')

  // Scheduling at a Paris time a few seconds ahead.
  await page.getByTestId('schedule-at').fill(parisTime(Date.now() + 8_000))
  await page.screenshot({ path: artifact('mailing-schedule.png'), fullPage: true })
  await page.getByTestId('schedule-mailing').click()
  await expect.poll(() => page.getByTestId('mailing-notice').textContent(), { timeout: 15_000 }).toContain('Planifié pour le')
  await expect.poll(() => page.getByTestId('mailing-status').textContent(), { timeout: 15_000 }).toMatch(/Planifié|Envoi en cours|Envoyé/)

  // The progress view follows the mails into the sink.
  const mails = await system.sink!.waitFor((mail) => mail.subject.startsWith('Nouveautés de décembre'), 3, 60_000)
  expect(mails.map((mail) => mail.to[0]).sort()).toEqual(['claire.dupont@dupont-industrie.example', 'elodie.bernard@bernard-plasturgie.example', 'julien.martin@martin-mecanique.example'])
  await expect.poll(() => page.getByTestId('progress-sent').textContent(), { timeout: 30_000 }).toBe('3')
  await expect.poll(() => page.getByTestId('mailing-status').textContent(), { timeout: 30_000 }).toBe('Envoyé')
  expect(await page.getByTestId('progress-remaining').textContent()).toBe('0')
  await page.screenshot({ path: artifact('mailing-progress.png'), fullPage: true })
  expect(errors, errors.join("\n")).toEqual([])
})

it('pauses, resumes and cancels a scheduled mailing, each time saying how many recipients it affects', async () => {
  const fr = system.token({ sub: 'sophie.fr', role: 'marketer', subs: ['FR'] })
  const created = await system.api('/api/mailings', {
    token: fr,
    body: { name: 'Invitation salon', subsidiary: 'FR', content: { subject: { fr: 'Invitation au salon' }, blocks: [{ kind: 'local', id: 'invitation', body: { fr: '<mj-text>Venez nous voir.</mj-text>' } }] } },
  })
  const tomorrow = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(Date.now() + 86_400_000)
  expect((await system.api(`/api/mailings/${created.body.id}/schedule`, { token: fr, body: { mode: 'at', localTime: `${tomorrow}T09:00` } })).status).toBe(202)

  const errors: string[] = []
  const page = await openMailingsAs(SOPHIE, errors)
  const dialogs: string[] = []
  page.on('dialog', (dialog) => void (dialogs.push(dialog.message()), dialog.accept()))
  await page.locator('[data-testid=mailing-item][data-name="Invitation salon"]').click()

  // Before 9:00 tomorrow nobody has been sent anything: the three FR contacts are what remains.
  await expect.poll(() => page.getByTestId('mailing-status').textContent(), { timeout: 15_000 }).toBe('Planifié')
  await expect.poll(() => page.getByTestId('progress-remaining').textContent(), { timeout: 15_000 }).toBe('3')
  await page.getByTestId('pause').click()
  await expect.poll(() => page.getByTestId('mailing-notice').textContent(), { timeout: 15_000 }).toBe('3 destinataires concernés')
  await expect.poll(() => page.getByTestId('mailing-status').textContent(), { timeout: 15_000 }).toBe('En pause')
  await page.screenshot({ path: artifact('mailing-paused.png'), fullPage: true })
  await page.getByTestId('resume').click()
  await expect.poll(() => page.getByTestId('mailing-status').textContent(), { timeout: 15_000 }).toBe('Planifié')
  expect(await page.getByTestId('mailing-notice').textContent()).toBe('3 destinataires concernés')
  await page.getByTestId('cancel').click()
  await expect.poll(() => page.getByTestId('mailing-status').textContent(), { timeout: 15_000 }).toBe('Annulé')
  expect(dialogs).toEqual(['Annuler le mailing ? 3 destinataires ne le recevront pas.'])
  expect(await page.getByTestId('mailing-notice').textContent()).toBe('3 destinataires concernés')
  await page.screenshot({ path: artifact('mailing-cancelled.png'), fullPage: true })
  expect(system.sink!.mails().filter((mail) => mail.subject === 'Invitation au salon')).toEqual([])
  expect(errors, errors.join('\n')).toEqual([])
})

it('holds the French marketer\'s mailing for HQ\'s approval: HQ approves one with the button and it goes out, refuses another saying why', async () => {
  await system.sql`update accounts set mailing_approval_required = true, frequency_cap_per_week = 100`
  const errors: string[] = []
  try {
    // A fourth FR contact whose mailbox the relay refuses for good (550): the progress view counts it failed.
    await system.api('/api/events', { body: { type: 'signup', contact: { email: 'ancien.contact@rejected.invalid', subsidiary: 'FR', firstName: 'Ancien' } } })
    await system.sql`update contacts set consent_status = 'granted' where email = 'ancien.contact@rejected.invalid'`
    const fr = system.token({ sub: 'sophie.fr', role: 'marketer', subs: ['FR'] })
    for (const name of ['Invitation atelier', 'Prix 2027']) {
      const created = await system.api('/api/mailings', { token: fr, body: { name, subsidiary: 'FR', content: { subject: { fr: name }, blocks: [{ kind: 'local', id: 'texte', body: { fr: '<mj-text>Bonjour {{ contact.firstName }}, nous vous invitons à notre atelier HydroStat.</mj-text>' } }] } } })
      expect(created.body).toMatchObject({ approvalRequired: true, status: 'draft' })
    }
    // Sophie schedules the first one for now: it is held, and she has no button to let it go herself.
    const sophie = await openMailingsAs(SOPHIE, errors)
    await sophie.locator('[data-testid=mailing-item][data-name="Invitation atelier"]').click()
    await sophie.getByTestId('schedule-mode-now').check()
    await sophie.getByTestId('schedule-mailing').click()
    await expect.poll(() => sophie.getByTestId('mailing-status').textContent(), { timeout: 15_000 }).toBe('En attente de validation par le siège')
    expect(await sophie.getByTestId('approval').textContent()).toContain('En attente de validation par le siège')
    expect(await sophie.getByTestId('approve').count()).toBe(0)
    await expect.poll(() => sophie.getByTestId('progress-remaining').textContent(), { timeout: 10_000 }).toBe('4') // held: all four FR contacts remain
    await sophie.screenshot({ path: artifact('mailing-approval-held.png'), fullPage: true })
    expect(system.sink!.mails().filter((mail) => mail.subject === 'Invitation atelier')).toEqual([])

    // Katrin (HQ, in German) approves it with the button: it goes out to the FR contacts.
    const katrin = await openMailingsAs('katrin.weiss@kessler-hydraulik.example', errors)
    await katrin.locator('[data-testid=mailing-item][data-name="Invitation atelier"]').click()
    await expect.poll(() => katrin.getByTestId('mailing-status').textContent(), { timeout: 15_000 }).toBe('Wartet auf Freigabe durch HQ')
    await katrin.screenshot({ path: artifact('mailing-approval-hq.png'), fullPage: true })
    await katrin.getByTestId('approve').click()
    const mails = await system.sink!.waitFor((mail) => mail.subject === 'Invitation atelier', 3, 60_000)
    expect(mails.map((mail) => mail.to[0]).sort()).toEqual(['claire.dupont@dupont-industrie.example', 'elodie.bernard@bernard-plasturgie.example', 'julien.martin@martin-mecanique.example'])
    await expect.poll(() => katrin.getByTestId('mailing-status').textContent(), { timeout: 30_000 }).toBe('Versendet')
    await expect.poll(() => katrin.getByTestId('progress-sent').textContent(), { timeout: 30_000 }).toBe('3')
    // The progress view: 3 sent, none remaining, 1 failed (refused by the relay), and the bar shows them.
    expect(await katrin.getByTestId('progress-remaining').textContent()).toBe('0')
    expect(await katrin.getByTestId('progress-failed').textContent()).toBe('1')
    expect(await katrin.locator('.mailing-progress__failed').evaluate((bar) => (bar as HTMLElement).style.width)).toBe('25%')
    expect(await katrin.locator('[role=progressbar]').getAttribute('aria-valuenow')).toBe('3')
    await katrin.screenshot({ path: artifact('mailing-approval-sent.png'), fullPage: true })

    // The second one: held, then refused by Katrin with a reason; Sophie reads it on her draft.
    const second = (await system.api('/api/mailings', { token: fr })).body.mailings.find((m: { name: string }) => m.name === 'Prix 2027')
    expect((await system.api(`/api/mailings/${second.id}/schedule`, { token: fr, body: { mode: 'now' } })).body.status).toBe('awaiting_approval')
    await katrin.reload()
    await katrin.locator('[data-testid=mailing-item][data-name="Prix 2027"]').click()
    await expect.poll(() => katrin.getByTestId('mailing-status').textContent(), { timeout: 15_000 }).toBe('Wartet auf Freigabe durch HQ')
    expect(await katrin.getByTestId('refuse').isDisabled()).toBe(true) // not without a reason
    await katrin.getByTestId('refuse-reason').fill('Les prix 2027 ne sont pas encore validés par la direction.')
    await katrin.getByTestId('refuse').click()
    await expect.poll(() => katrin.getByTestId('mailing-status').textContent(), { timeout: 15_000 }).toBe('Entwurf')
    await sophie.reload()
    await sophie.locator('[data-testid=mailing-item][data-name="Prix 2027"]').click()
    await expect.poll(() => sophie.getByTestId('mailing-status').textContent(), { timeout: 15_000 }).toBe('Brouillon')
    await expect.poll(() => sophie.getByTestId('refusal').textContent(), { timeout: 15_000 }).toMatch(/^Refusé par .+ : Les prix 2027 ne sont pas encore validés par la direction\.$/)
    await sophie.screenshot({ path: artifact('mailing-approval-refused.png'), fullPage: true })
    expect(system.sink!.mails().filter((mail) => mail.subject === 'Prix 2027')).toEqual([])
    expect((await system.api(`/api/mailings/${second.id}`, { token: fr })).body).toMatchObject({ status: 'draft', refusalReason: 'Les prix 2027 ne sont pas encore validés par la direction.', refusedBy: expect.any(String) })
    expect(errors, errors.join('\n')).toEqual([])
  } finally {
    await system.sql`update accounts set mailing_approval_required = false`
  }
})

it('shows each checklist item in the marketer\'s language: missing translation, dead link, empty plain text, the block that does not render, who is left out', async () => {
  const { createServer } = await import('node:http')
  const web = createServer((req, res) => void res.writeHead(req.url === '/gone' ? 404 : 200).end('ok'))
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(web.address() as { port: number }).port}`
  await system.sql`update contacts set consent_status = 'none' where email = 'julien.martin@martin-mecanique.example'`
  try {
    const fr = system.token({ sub: 'sophie.fr', role: 'marketer', subs: ['FR'] })
    const created = await system.api('/api/mailings', {
      token: fr,
      body: {
        name: 'À vérifier',
        subsidiary: 'FR',
        content: {
          subject: { fr: 'Nouveautés', de: 'Neuheiten' },
          preheader: { fr: 'Le HydroStat 3000', de: 'Der HydroStat 3000' },
          blocks: [
            { kind: 'local', id: 'lien', body: { fr: `<mj-button href="${base}/gone">Voir</mj-button>`, de: `<mj-button href="${base}/ok">Ansehen</mj-button>` } },
            { kind: 'local', id: 'remise', name: 'Remise', body: { fr: '<mj-text>Votre remise</mj-text>', de: '<mj-text>Ihr Rabatt: {{ contact.attributes.discount </mj-text>' } },
            { kind: 'local', id: 'salutations', body: { fr: '<mj-text>Cordialement</mj-text>' } },
          ],
        },
      },
    })
    expect(created.status).toBe(201)
    const errors: string[] = []
    const page = await openMailingsAs(SOPHIE, errors)
    await page.locator('[data-testid=mailing-item][data-name="À vérifier"]').click()
    await page.getByTestId('run-checklist').click()
    await page.getByTestId('checklist').waitFor({ timeout: 30_000 })
    const item = (kind: string) => page.locator(`[data-testid=checklist-item][data-kind=${kind}]`)
    expect(await item('missing_translation').allTextContents()).toContain('Traduction manquante (DE) · bloc salutations')
    expect(await item('unresolvable_link').allTextContents()).toEqual([`Lien injoignable · ${base}/gone answers 404`])
    expect(await item('missing_plain_text').allTextContents()).toEqual(['Version texte (presque) vide (FR)'])
    expect(await item('render_error').allTextContents()).toEqual([expect.stringMatching(/^Erreur de rendu \(DE\) · bloc remise: line 1, column \d+: .*not closed/)])
    expect(await page.getByTestId('checklist-recipients').textContent()).toMatch(/^\d+ destinataires sur \d+ le recevront ; 1 sans consentement et 0 injoignables sont exclus\.$/)
    await page.screenshot({ path: artifact('mailing-checklist.png'), fullPage: true })
    expect(errors, errors.join('\n')).toEqual([])
  } finally {
    web.close()
    await system.sql`update contacts set consent_status = 'granted' where email = 'julien.martin@martin-mecanique.example'`
  }
})
