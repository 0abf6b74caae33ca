import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from '../../server/seed-people'
import { artifact, launchChromium } from '../helpers/browser'
import { startTestSystem, type TestSystem } from '../helpers/system'

// People in the designer, in headless Chromium: the sign-in page, the mailed reset and invitation links
// (from the SMTP sink), a French subsidiary marketer's workspace and HQ switching into it, the UI in each
// of the five languages, and an admin revoking an API key. Needs `npm run build:designer` (npm test does it).

let system: TestSystem
let browser: Browser
const SOPHIE = 'sophie.marchand@fr.kessler-hydraulik.example'
const KATRIN = 'katrin.weiss@kessler-hydraulik.example'
const ADMIN = 'admin@kessler-hydraulik.example'
const WALLONIA = 'luc.lambert@lambert-hydro.example'

beforeAll(async () => {
  system = await startTestSystem({ runWorker: false })
  browser = await launchChromium()
  const posted = await system.api('/api/events', { body: { type: 'visit', contact: { email: WALLONIA, firstName: 'Luc', lastName: 'Lambert', subsidiary: 'DE', attributes: { country: 'BE', language: 'fr' } } } })
  expect(posted.status).toBe(202)
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await system?.stop()
})

async function freshPage(locale = 'en-GB'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1300, height: 850 }, locale })
  const page = await context.newPage()
  page.on('pageerror', (error) => console.error(error))
  return page
}

async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto(system.url + '/')
  await page.locator('input[name=email]').fill(email)
  await page.locator('input[name=password]').fill(password)
  await page.locator('form[data-testid=sign-in] button[type=submit]').click()
  await page.getByTestId('signed-in-as').waitFor({ timeout: 15_000 })
}

const linkOf = (text: string) => /(http\S+#link=[\w.-]+)/.exec(text)![1]!

describe('signing in', () => {
  it('refuses a wrong password with the message, then signs in; the session cookie is HttpOnly', async () => {
    const page = await freshPage()
    await page.goto(system.url + '/')
    await page.locator('input[name=email]').fill(KATRIN)
    await page.locator('input[name=password]').fill('not-the-password')
    await page.locator('form[data-testid=sign-in] button[type=submit]').click()
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('e-mail or password is wrong')
    await page.screenshot({ path: artifact('people-sign-in-refused.png') })
    await page.locator('input[name=password]').fill(DEMO_PASSWORD)
    await page.locator('form[data-testid=sign-in] button[type=submit]').click()
    // Katrin chose German: the designer speaks it once she is in.
    await expect.poll(() => page.getByTestId('signed-in-as').innerText(), { timeout: 15_000 }).toBe('Angemeldet als Katrin Weiß (Marketing Zentrale)')
    expect(await page.evaluate(() => document.cookie)).not.toContain('kessler_session')
    await page.screenshot({ path: artifact('people-signed-in-hq.png') })
    await page.context().close()
  })

  it('resets a forgotten password through the link in the mail', async () => {
    const page = await freshPage('es-ES')
    await page.goto(system.url + '/')
    await page.getByText('¿Ha olvidado su contraseña?').click()
    await page.locator('input[name=email]').fill('alba.ortega@es.kessler-hydraulik.example')
    await page.locator('form[data-testid=sign-in] button[type=submit]').click()
    await page.getByRole('status').waitFor()
    const [mail] = await system.sink!.waitFor((m) => m.to.includes('alba.ortega@es.kessler-hydraulik.example'), 1, 10_000)
    await page.goto(linkOf(mail!.text))
    await page.locator('input[name=password]').fill('contraseña-nueva-77')
    await page.screenshot({ path: artifact('people-reset.png') })
    await page.getByRole('button', { name: 'Guardar contraseña e iniciar sesión' }).click()
    await expect.poll(() => page.getByTestId('signed-in-as').innerText(), { timeout: 15_000 }).toContain('Alba Ortega')
    // The link works once.
    await page.goto(linkOf(mail!.text))
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('no es válido')
    await page.context().close()
  })

  it('an admin invites a colleague in the admin page; she accepts in her language and is signed in', async () => {
    const admin = await freshPage()
    await signIn(admin, ADMIN)
    await admin.getByTestId('admin-link').click()
    const form = admin.getByTestId('invite')
    await form.getByLabel('E-mail').fill('chiara.greco@it.kessler-hydraulik.example')
    await form.getByLabel('Name').fill('Chiara Greco')
    await form.getByLabel('Role').selectOption('sales_rep')
    await form.getByLabel('Subsidiaries (codes, or * for all)').fill('IT')
    await form.getByLabel('Language').selectOption('it')
    await form.getByRole('button', { name: 'Invite' }).click()
    await admin.getByText('Invitation sent to chiara.greco@it.kessler-hydraulik.example.').waitFor()
    await admin.screenshot({ path: artifact('people-admin-invite.png') })
    await admin.context().close()

    const [mail] = await system.sink!.waitFor((m) => m.to.includes('chiara.greco@it.kessler-hydraulik.example'), 1, 10_000)
    expect(mail!.subject).toBe('Invito a Kessler Campaigns')
    const page = await freshPage('en-GB')
    await page.goto(linkOf(mail!.text))
    await page.getByText('Benvenuta/o, Chiara Greco').waitFor()
    await page.locator('input[name=password]').fill('password-di-chiara')
    await page.screenshot({ path: artifact('people-invitation.png') })
    await page.getByRole('button', { name: 'Imposta la password e accedi' }).click()
    await expect.poll(() => page.getByTestId('signed-in-as').innerText(), { timeout: 15_000 }).toBe('Accesso come Chiara Greco (Commerciale) · IT')
    await page.context().close()
  })
})

describe('workspaces', () => {
  it('a French subsidiary marketer sees only her pool alias and edits a contact; HQ switches in and sees the edit with her name', async () => {
    const sophie = await freshPage()
    await signIn(sophie, SOPHIE)
    expect(await sophie.getByTestId('signed-in-as').innerText()).toBe('Connectée en tant que Sophie Marchand (Marketing filiale) · FR')
    await sophie.getByTestId('contacts-link').click()
    const list = sophie.getByTestId('contact-list')
    await expect.poll(async () => (await list.locator('tr').allInnerTexts()).length).toBe(4)
    const rows = (await list.locator('tr').allInnerTexts()).join('\n')
    expect(rows).toContain('claire.dupont@dupont-industrie.example')
    expect(rows).toContain(WALLONIA)
    expect(rows).not.toContain('jonas.becker')
    await list.getByText('claire.dupont@dupont-industrie.example').click()
    const detail = sophie.getByTestId('contact-detail')
    await detail.locator('input[name=company]').fill('Dupont Industrie Groupe')
    await detail.getByRole('button', { name: 'Enregistrer' }).click()
    await expect.poll(() => sophie.getByTestId('contact-history').innerText()).toContain('Sophie Marchand, espace FR')
    await sophie.screenshot({ path: artifact('people-workspace-fr-edit.png') })

    const katrin = await freshPage()
    await signIn(katrin, KATRIN)
    await katrin.getByTestId('contacts-link').click()
    await expect.poll(async () => (await katrin.getByTestId('contact-list').locator('tr').allInnerTexts()).join('\n')).toContain('jonas.becker')
    await katrin.getByTestId('workspace').selectOption('FR')
    await expect.poll(() => katrin.getByTestId('signed-in-as').innerText(), { timeout: 15_000 }).toContain('· FR')
    await expect.poll(async () => (await katrin.getByTestId('contact-list').locator('tr').allInnerTexts()).length).toBe(4)
    await katrin.getByTestId('contact-list').getByText('claire.dupont@dupont-industrie.example').click()
    const history = katrin.getByTestId('contact-history')
    await expect.poll(() => history.innerText()).toContain('Sophie Marchand, Arbeitsbereich FR')
    expect(await history.innerText()).toContain('company: Dupont Industrie SA → Dupont Industrie Groupe')
    await katrin.screenshot({ path: artifact('people-workspace-hq-sees-edit.png') })
    await sophie.context().close()
    await katrin.context().close()
  })
})

describe('languages', () => {
  const TITLES = {
    en: 'Sign in to Kessler Campaigns',
    de: 'Bei Kessler Campaigns anmelden',
    fr: 'Connexion à Kessler Campaigns',
    it: 'Accedi a Kessler Campaigns',
    es: 'Iniciar sesión en Kessler Campaigns',
  }
  it('shows the sign-in page in the browser’s language, and each language on switching', async () => {
    const page = await freshPage('it-IT')
    await page.goto(system.url + '/')
    await expect.poll(() => page.locator('h1').innerText()).toBe(TITLES.it)
    for (const [language, title] of Object.entries(TITLES)) {
      await page.getByTestId('language').selectOption(language)
      await expect.poll(() => page.locator('h1').innerText()).toBe(title)
      await page.screenshot({ path: artifact(`people-sign-in-${language}.png`) })
    }
    await page.context().close()
  })

  it('shows the designer in each language, step names included, and keeps a signed-in user’s choice', async () => {
    const page = await freshPage()
    await signIn(page, ADMIN)
    const PUBLISH = { en: 'Publish', de: 'Veröffentlichen', fr: 'Publier', it: 'Pubblica', es: 'Publicar' }
    await page.getByText('Onboarding after purchase').first().click()
    for (const [language, word] of Object.entries(PUBLISH)) {
      await page.getByTestId('language').selectOption(language)
      await expect.poll(() => page.locator('header.app__header').innerText()).toContain(word)
      await page.screenshot({ path: artifact(`people-designer-${language}.png`) })
    }
    // Stored as the user's language: a fresh browser in English gets Spanish after signing in.
    await expect.poll(async () => (await system.sql`select locale from users where email = ${ADMIN}`)[0]!.locale).toBe('es')
    await page.context().close()
  })
})

describe('API keys in the admin page', () => {
  it('an admin creates a key (shown once) and revokes it; the next call with it is refused', async () => {
    const page = await freshPage()
    await signIn(page, ADMIN)
    await page.goto(system.url + '/?view=admin')
    await page.getByTestId('admin-tab-keys').click()
    const form = page.getByTestId('create-key')
    await form.getByPlaceholder(/./).first().fill('CRM callbacks')
    await form.getByRole('button').click()
    const key = await page.getByTestId('new-key').innerText()
    expect((await fetch(`${system.url}/api/handovers`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200)
    await page.getByTestId('revoke-CRM callbacks').click()
    await expect.poll(() => page.getByTestId('keys').innerText()).toMatch(/CRM callbacks[\s\S]*(revoked|widerrufen|révoquée|revocata|revocada)/)
    await page.screenshot({ path: artifact('people-admin-key-revoked.png') })
    const refused = await fetch(`${system.url}/api/handovers`, { headers: { authorization: `Bearer ${key}` } })
    expect(refused.status).toBe(401)
    await page.context().close()
  })
})
