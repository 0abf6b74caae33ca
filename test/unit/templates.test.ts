import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createTemplateRenderer, type MailContact, type MailSubsidiary, type RenderRequest } from '../../templates/renderer'

const SUBSIDIARIES: Record<'DE' | 'FR' | 'IT' | 'ES', MailSubsidiary> = {
  DE: { code: 'DE', locale: 'de', name: 'Kessler Hydraulik GmbH' },
  FR: { code: 'FR', locale: 'fr', name: 'Kessler Hydraulique France SAS' },
  IT: { code: 'IT', locale: 'it', name: 'Kessler Idraulica Italia S.r.l.' },
  ES: { code: 'ES', locale: 'es', name: 'Kessler Hidráulica España S.L.' },
}
const UNSUBSCRIBE = 'https://campaigns.kessler-hydraulik.example/u/token?x=1&y=2'

function contact(overrides: Partial<MailContact> = {}): MailContact {
  return { email: 'anna.mueller@example.de', firstName: 'Anna', lastName: 'Müller', salutation: 'ms', company: 'Müller Maschinenbau', attributes: {}, ...overrides }
}

function request(overrides: Partial<RenderRequest> = {}): RenderRequest {
  return {
    templateId: 'onboarding-welcome',
    subsidiary: SUBSIDIARIES.DE,
    contact: contact(),
    variables: { event: { product: 'HydroStat 2000' } },
    unsubscribeUrl: UNSUBSCRIBE,
    ...overrides,
  }
}

// One renderer for the whole file: it is what the worker does, and compiling is the slow part.
const renderer = createTemplateRenderer()

describe('localised mails per subsidiary', () => {
  it('renders the DE subsidiary in German with the HQ slogan and footer', async () => {
    const mail = await renderer.render(request())
    expect(mail.locale).toBe('de')
    expect(mail.subject).toBe('Vielen Dank für Ihren Kauf – so bleibt Ihr HydroStat 2000 in Bestform')
    expect(mail.html).toContain('lang="de"')
    expect(mail.html).toContain('Sehr geehrte Frau Müller,')
    expect(mail.html).toContain('Hydraulik mit schwäbischer Präzision')
    expect(mail.html).toContain('Amtsgericht Stuttgart HRB')
    expect(mail.html).toContain('E-Mails abbestellen')
  })

  it('renders the FR subsidiary in French with its own slogan and legal footer', async () => {
    const dupont = contact({ firstName: 'Jean', lastName: 'Dupont', salutation: 'mr', company: 'Dupont Industrie' })
    const mail = await renderer.render(request({ subsidiary: SUBSIDIARIES.FR, contact: dupont }))
    expect(mail.locale).toBe('fr')
    expect(mail.subject).toContain('prenez soin de votre HydroStat 2000')
    expect(mail.html).toContain('lang="fr"')
    expect(mail.html).toContain('Bonjour Monsieur Dupont,')
    expect(mail.html).toContain('La puissance hydraulique, la précision allemande')
    expect(mail.html).toContain('RCS Lyon')
    expect(mail.html).not.toContain('Amtsgericht')
    expect(mail.html).not.toContain('schwäbischer')
  })

  it('greets in the Italian and Spanish forms', async () => {
    const rossi = await renderer.render(request({ subsidiary: SUBSIDIARIES.IT, contact: contact({ lastName: 'Rossi', salutation: 'ms' }) }))
    expect(rossi.html).toContain('Gentile Signora Rossi,')
    expect(rossi.html).toContain('Kessler Idraulica Italia S.r.l.')
    const garcia = await renderer.render(request({ subsidiary: SUBSIDIARIES.ES, contact: contact({ lastName: 'García', salutation: 'mr' }) }))
    expect(garcia.html).toContain('Estimado Sr. García:')
    expect(garcia.html).toContain('Kessler Hidráulica España S.L.')
  })

  it('falls back to a neutral greeting when the name or salutation is missing', async () => {
    const noName = await renderer.render(request({ contact: contact({ firstName: null, lastName: null, salutation: null }) }))
    expect(noName.html).toContain('Guten Tag,')
    const noSalutation = await renderer.render(request({ contact: contact({ salutation: 'none' }) }))
    expect(noSalutation.html).toContain('Guten Tag Anna Müller,')
  })
})

describe('personalisation', () => {
  it('fills in product, name and company in subject, body and text part', async () => {
    const mail = await renderer.render(request({ templateId: 'onboarding-check-in' }))
    expect(mail.subject).toBe('Wie läuft Ihr HydroStat 2000?')
    expect(mail.html).toContain('Ihr HydroStat 2000 ist nun seit einigen Wochen bei Müller Maschinenbau im Einsatz.')
    expect(mail.text).toContain('Sehr geehrte Frau Müller,')
    expect(mail.text).toContain('HydroStat 2000')
  })

  it('uses a neutral word per locale when the event names no product', async () => {
    const de = await renderer.render(request({ templateId: 'onboarding-check-in', variables: {} }))
    expect(de.subject).toBe('Wie läuft Ihr Hydraulikaggregat?')
    const fr = await renderer.render(request({ templateId: 'onboarding-check-in', subsidiary: SUBSIDIARIES.FR, variables: { event: {} } }))
    expect(fr.subject).toBe('Comment fonctionne votre groupe hydraulique\u00a0?')
  })

  it('escapes HTML in contact data instead of executing it', async () => {
    const hostile = contact({ lastName: '<script>alert(1)</script>', company: '<img src=x onerror=alert(1)>' })
    const mail = await renderer.render(request({ contact: hostile }))
    expect(mail.html).not.toMatch(/<script/i)
    expect(mail.html).not.toContain('<img src=x')
    expect(mail.html).toContain('Sehr geehrte Frau &lt;script&gt;alert(1)&lt;/script&gt;,')
    // The plain-text part shows the name as typed: it is text, nothing there can run.
    expect(mail.text).toContain('Sehr geehrte Frau <script>alert(1)</script>,')
  })

  it('keeps the subject a single plain-text line', async () => {
    const mail = await renderer.render(request({ variables: { event: { product: "O'Neil\r\nBcc: x@example.com" } } }))
    expect(mail.subject).toBe("Vielen Dank für Ihren Kauf – so bleibt Ihr O'Neil Bcc: x@example.com in Bestform")
  })
})

describe('link tracking', () => {
  it('routes every link except unsubscribe through trackLink with its tag, and strips the tag', async () => {
    const calls: Array<{ url: string; tag: string | undefined }> = []
    const trackLink = (url: string, tag: string | undefined) => {
      calls.push({ url, tag })
      return `https://t.example/c/${calls.length}?go=${encodeURIComponent(url)}`
    }
    const mail = await renderer.render(request({ templateId: 'onboarding-care-tips', trackLink }))
    expect(calls).toEqual([{ url: 'https://www.kessler-hydraulik.example/shop/cleaning-agents?lang=de', tag: 'cleaning-agents' }])
    expect(mail.html).toContain('href="https://t.example/c/1?go=https%3A%2F%2Fwww.kessler-hydraulik.example%2Fshop%2Fcleaning-agents%3Flang%3Dde"')
    expect(mail.html).toContain('href="https://campaigns.kessler-hydraulik.example/u/token?x=1&amp;y=2"')
    expect(mail.html + mail.text).not.toContain('mt_tag')
    expect(mail.text).toContain('https://t.example/c/1')
  })

  it('passes each mail its own tag', async () => {
    const tags = async (templateId: string) => {
      const seen: Array<string | undefined> = []
      await renderer.render(request({ templateId, trackLink: (url, tag) => (seen.push(tag), url) }))
      return seen
    }
    expect(await tags('onboarding-welcome')).toEqual(['care-guide'])
    expect(await tags('onboarding-reminder')).toEqual(['care-guide'])
    expect(await tags('onboarding-check-in')).toEqual(['service'])
  })

  it('strips tags even without a tracker', async () => {
    const mail = await renderer.render(request())
    expect(mail.html).toContain('href="https://www.kessler-hydraulik.example/care/hydrostat?lang=de"')
    expect(mail.html).not.toContain('mt_tag')
  })

  it('appends the open pixel before </body> only when asked', async () => {
    const pixelUrl = 'https://t.example/o/abc?m=1&n=2'
    const mail = await renderer.render(request({ openPixelUrl: pixelUrl }))
    expect(mail.html).toMatch(/<img src="https:\/\/t\.example\/o\/abc\?m=1&amp;n=2" width="1" height="1"[^>]*\/><\/body>/)
    const without = await renderer.render(request())
    expect(without.html).not.toContain('t.example/o/')
  })
})

describe('compilation', () => {
  it('compiles MJML once for 100 recipients of the same mail and subsidiary', async () => {
    const fresh = createTemplateRenderer()
    const recipients = Array.from({ length: 100 }, (_, i) => contact({ lastName: `Kunde ${i}`, email: `k${i}@example.de` }))
    // Concurrent on purpose: the first renders all arrive before the first compile has finished.
    const mails = await Promise.all(recipients.map((recipient) => fresh.render(request({ contact: recipient }))))
    expect(fresh.stats().mjmlCompilations).toBe(1)
    expect(mails[42]?.html).toContain('Sehr geehrte Frau Kunde 42,')
    await fresh.render(request({ subsidiary: SUBSIDIARIES.FR }))
    expect(fresh.stats().mjmlCompilations).toBe(2)
  })

  it('throws naming an unknown template id', async () => {
    expect(renderer.hasTemplate('onboarding-goodbye')).toBe(false)
    await expect(renderer.render(request({ templateId: 'onboarding-goodbye' }))).rejects.toThrow('"onboarding-goodbye"')
    expect(renderer.hasTemplate('constructor')).toBe(false)
  })

  it('throws naming an unknown subsidiary', async () => {
    await expect(renderer.render(request({ subsidiary: { code: 'PL', locale: 'pl', name: 'Kessler Polska' } }))).rejects.toThrow('"PL"')
  })

  it('lists the onboarding mails and those of the example campaigns', () => {
    const ids = renderer.templateIds()
    expect(ids).toEqual(expect.arrayContaining(['onboarding-care-tips', 'onboarding-check-in', 'onboarding-reminder', 'onboarding-welcome']))
    for (const prefix of ['nurture-', 'crosssell-', 'upsell-', 'loyalty-', 'reactivation-']) expect(ids.some((id) => id.startsWith(prefix))).toBe(true)
  })

  it.each(renderer.templateIds())('renders %s in all four subsidiaries without MJML errors or leftover markup', async (templateId) => {
    for (const subsidiary of Object.values(SUBSIDIARIES)) {
      // The product comes from the triggering event (onboarding, cross-sell) or the contact's model (upsell).
      const mail = await renderer.render(request({ templateId, subsidiary, contact: contact({ attributes: { model: 'HydroStat 2000' } }) }))
      expect(mail.locale).toBe(subsidiary.locale)
      expect(mail.subject).not.toBe('')
      if (templateId.startsWith('onboarding-')) expect(mail.subject).toContain('HydroStat 2000')
      for (const leftover of ['{{', '{%', '[[', '[%', 'mt_tag']) expect(mail.html + mail.subject).not.toContain(leftover)
    }
  })

  // Campaigns branch on these tags (wait for a click with a tag), so every language must carry the same ones.
  it.each(renderer.templateIds())('%s has tracked, tagged calls to action, the same in every subsidiary', async (templateId) => {
    const tagsBySubsidiary: Array<Array<string | undefined>> = []
    for (const subsidiary of Object.values(SUBSIDIARIES)) {
      const tags: Array<string | undefined> = []
      await renderer.render(request({ templateId, subsidiary, trackLink: (url, tag) => (tags.push(tag), url) }))
      tagsBySubsidiary.push(tags)
    }
    expect(tagsBySubsidiary[0]!.length).toBeGreaterThan(0)
    expect(tagsBySubsidiary[0]).not.toContain(undefined)
    for (const tags of tagsBySubsidiary) expect(tags).toEqual(tagsBySubsidiary[0])
  })
})

describe('template authoring errors', () => {
  const templatesDir = fileURLToPath(new URL('../../templates', import.meta.url))

  function withCopy(edit: (dir: string) => void, check: (dir: string) => Promise<void> | void) {
    const dir = mkdtempSync(join(tmpdir(), 'kessler-templates-'))
    return (async () => {
      try {
        cpSync(templatesDir, dir, { recursive: true })
        edit(dir)
        await check(dir)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })()
  }

  it('reports MJML errors with the mail, subsidiary and offending line', () =>
    withCopy(
      (dir) => writeFileSync(join(dir, 'mails/onboarding-reminder/fr.mjml'), '<mj-button href="https://x.example" colour="red">Go</mj-button>\n'),
      async (dir) => {
        const broken = createTemplateRenderer({ dir })
        await expect(broken.render(request({ templateId: 'onboarding-reminder', subsidiary: SUBSIDIARIES.FR }))).rejects.toThrow(
          /MJML errors in mail "onboarding-reminder" for subsidiary FR \(fr\):\n\s+line \d+ \(mj-button\): Attribute colour is illegal\n\s+> <mj-button/,
        )
      },
    ))

  it('refuses a subsidiary that overrides a region the master does not have', () =>
    withCopy(
      (dir) => {
        const file = join(dir, 'subsidiaries/it.json')
        const derived = JSON.parse(readFileSync(file, 'utf8')) as { regions: Record<string, string> }
        writeFileSync(file, JSON.stringify({ ...derived, regions: { ...derived.regions, sloagn: 'typo' } }))
      },
      (dir) => expect(() => createTemplateRenderer({ dir })).toThrow(/subsidiaries\/it\.json: master "corporate" has no region "sloagn"/),
    ))
})
