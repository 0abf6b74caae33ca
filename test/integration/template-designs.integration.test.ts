import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestSystem, type TestSystem } from '../helpers/system'

// Designs marketers bring, through the template API as the editor uses it: regression tests for issue 16's
// defects (a complete MJML document as a mail, unknown variables, positions on save and preview, link tags
// of mails saved through the API).
let system: TestSystem
beforeAll(async () => {
  system = await startTestSystem({ runWorker: false })
})
afterAll(async () => {
  await system?.stop()
})

const save = (kind: string, key: string, content: unknown) => system.api(`/api/templates/${kind}/${key}`, { method: 'PUT', body: { content } })
const preview = (template: string, subsidiary: string, extra: Record<string, unknown> = {}) => system.api('/api/templates/preview', { body: { template, subsidiary, ...extra } })
const positions = (issues: { field?: string; region: string | null; line: number; column: number }[]) => issues.map(({ field, region, line, column }) => ({ field, region, line, column }))

describe('a complete MJML document as a mail body', () => {
  it('is saved as a standalone design and previews with its content and the subsidiary footer', async () => {
    const document = '<mjml><mj-body><mj-section><mj-column><mj-text>Hello marketer</mj-text></mj-column></mj-section></mj-body></mjml>'
    const saved = await save('mails', 'x', { subject: { de: 'Hallo' }, body: { de: document } })
    expect(saved.status, JSON.stringify(saved.body)).toBe(201)
    const shown = await preview('x', 'DE')
    expect(shown.status).toBe(200)
    expect(shown.body.html).toContain('Hello marketer')
    expect(shown.body.html).toContain('unsubscribe.invalid/preview')
  })
})

describe('unknown variables', () => {
  it('are warned about on save and on preview, with position and the closest known variable', async () => {
    const content = { subject: { de: 'Hallo' }, body: { de: '<mj-text>Hey {{FirstName}}{{Company}}{{ contact.firstname }}!</mj-text>' } }
    const saved = await save('mails', 'hey', content)
    expect(saved.status).toBe(201)
    const expected = [
      { field: 'body.de', line: 1, column: 16, variable: 'FirstName', suggestion: 'contact.firstName' },
      { field: 'body.de', line: 1, column: 29, variable: 'Company', suggestion: 'contact.company' },
      { field: 'body.de', line: 1, column: 41, variable: 'contact.firstname', suggestion: 'contact.firstName' },
    ]
    expect(saved.body.warnings).toEqual(expected.map((warning) => expect.objectContaining(warning)))
    const shown = await preview('hey', 'DE')
    expect(shown.body.warnings).toEqual(expected.map((warning) => expect.objectContaining(warning)))
    expect(shown.body.warnings[0].message).toContain('did you mean "contact.firstName"')
  })
})

describe('positions', () => {
  it("a [[ ]] error in a mail's FR body is reported in that body, on save and on preview alike", async () => {
    const body = { de: '<mj-text>a</mj-text>', fr: '<mj-text>a</mj-text>\n<mj-text>[[ t.nosuch ]]</mj-text>' }
    const saved = await save('mails', 'layout-typo', { subject: { de: 'x', fr: 'x' }, body })
    expect(saved.status).toBe(422)
    expect(saved.body.error.issues).toEqual([expect.objectContaining({ origin: 'mail layout-typo', region: 'body', field: 'body.fr', locale: 'fr', line: 2, column: 13 })])
    const shown = await preview('x', 'FR', { drafts: [{ kind: 'mail', key: 'x', content: { subject: { de: 'x', fr: 'x' }, body } }] })
    expect(shown.status).toBe(422)
    expect(positions(shown.body.error.issues)).toEqual(positions(saved.body.error.issues))
  })

  it('a Liquid error is reported in the marketer source by preview as by save', async () => {
    const content = { subject: { de: 'x' }, body: { de: '<mj-text>a</mj-text>\n<mj-text>{{ contact.company | nosuch }}</mj-text>' } }
    const saved = await save('mails', 'filter-typo', content)
    expect(saved.status).toBe(422)
    const shown = await preview('x', 'DE', { drafts: [{ kind: 'mail', key: 'x', content }] })
    expect(shown.status).toBe(422)
    expect(shown.body.error.message).not.toMatch(/line:1\d\d/)
    expect(positions(shown.body.error.issues)).toEqual([{ field: 'body.de', region: 'body', line: 2, column: 10 }])
    expect(positions(shown.body.error.issues)).toEqual(positions(saved.body.error.issues))
  })
})

describe('GET /api/link-tags', () => {
  it('lists the tags of mails created and edited through the API', async () => {
    const body = { de: '<mj-text>Neu</mj-text><mj-button href="https://www.kessler-hydraulik.example/news?mt_tag=api-news">Mehr</mj-button>' }
    expect((await save('mails', 'api-mail', { subject: { de: 'Neu' }, body })).status).toBe(201)
    const welcome = (await system.api('/api/templates/mails/onboarding-welcome')).body.content
    const edited = { ...welcome, body: { ...welcome.body, de: welcome.body.de.replace('mt_tag=care-guide', 'mt_tag=care-guide-2027') } }
    expect((await save('mails', 'onboarding-welcome', edited)).status).toBe(201)
    const tags = await system.api('/api/link-tags')
    expect(tags.status).toBe(200)
    const byId = Object.fromEntries(tags.body.templates.map((t: { id: string; tags: string[] }) => [t.id, t.tags]))
    expect(byId['api-mail']).toEqual(['api-news'])
    expect(byId['onboarding-welcome']).toEqual(['care-guide-2027'])
  })
})

describe('web fonts', () => {
  const design = [
    '<mjml>',
    '<mj-head><mj-font name="Inter" href="https://fonts.googleapis.com/css?family=Inter:400,700" /></mj-head>',
    '<mj-body><mj-section><mj-column><mj-text font-family="Inter, Arial">Neu bei Kessler</mj-text></mj-column></mj-section></mj-body>',
    '</mjml>',
  ].join('\n')

  it('are never loaded from Google: saving says so, and an uploaded family is served by the app instead', async () => {
    const saved = await save('mails', 'inter-news', { subject: { de: 'Neu' }, body: { de: design } })
    expect(saved.status).toBe(201)
    expect(saved.body.warnings).toEqual([expect.objectContaining({ font: 'Inter', field: 'body.de', line: 2, column: 10 })])
    expect(saved.body.warnings[0].message).toContain('Templates → Fonts')

    const before = await preview('inter-news', 'DE')
    expect(before.body.html).not.toContain('fonts.googleapis.com')
    const cssUrl = new RegExp(`${system.baseUrl}/fonts/[0-9a-f-]{36}/Inter\\.css`).exec(before.body.html)?.[0]
    expect(cssUrl).toBeTruthy()
    expect(await (await fetch(cssUrl!)).text()).toBe('') // not uploaded yet: the fallback (Arial) shows

    const woff2 = Buffer.concat([Buffer.from('wOF2'), Buffer.alloc(60, 7)])
    const upload = await system.api('/api/templates/fonts/Inter', { method: 'PUT', body: { faces: [{ weight: 400, data: woff2.toString('base64') }] } })
    expect(upload.status, JSON.stringify(upload.body)).toBe(201)
    const notAFont = await system.api('/api/templates/fonts/Inter', { method: 'PUT', body: { faces: [{ data: Buffer.from('<html>').toString('base64') }] } })
    expect(notAFont.body.error).toMatchObject({ field: 'faces.0.data' })

    const css = await (await fetch(cssUrl!)).text()
    expect(css).toContain("font-family: 'Inter'")
    const file = await fetch(new URL(/url\('([^']+)'\)/.exec(css)![1]!, cssUrl!))
    expect(file.headers.get('content-type')).toBe('font/woff2')
    expect(Buffer.from(await file.arrayBuffer())).toEqual(woff2)
    expect((await save('mails', 'inter-news', { subject: { de: 'Neu' }, body: { de: design } })).body.warnings).toEqual([])
    expect((await system.api('/api/templates/fonts')).body.fonts).toEqual([expect.objectContaining({ family: 'Inter', cssUrl })])
  })
})

describe('bringing a design', () => {
  const newsletter = readFileSync(new URL('../fixtures/spring-newsletter.mjml', import.meta.url), 'utf8')

  it('imports a Mailjet design: tags mapped and previewed before saving, then derived per subsidiary and language', async () => {
    const analysed = await system.api('/api/templates/import', { body: { files: [{ name: 'Spring newsletter.mjml', mjml: newsletter }] } })
    expect(analysed.status, JSON.stringify(analysed.body)).toBe(200)
    const [design] = analysed.body.designs
    expect(design.key).toBe('spring-newsletter')
    expect(design.subject).toBe('Frühjahrs-Neuigkeiten von Kessler')
    expect(design.tags.map((t: { raw: string; suggestion: string }) => [t.raw, t.suggestion])).toEqual([
      ['[[FirstName]]', 'contact.firstName'],
      ['{{var:company:"Ihr Unternehmen"}}', 'contact.company'],
      ['[[UNSUB_LINK_DE]]', 'unsubscribeUrl'],
    ])
    expect(design.issues).toEqual([])
    expect(design.warnings).toEqual([expect.objectContaining({ font: 'Roboto' })])
    expect(design.preview.html).toContain('Hallo Anna')
    expect(design.preview.html).toContain('für Muster Maschinenbau GmbH')
    expect(design.preview.html).toContain('unsubscribe.invalid/preview')
    expect(design.preview.html).not.toContain('fonts.googleapis.com')
    expect(await system.api('/api/templates/mails/spring-newsletter')).toMatchObject({ status: 404 }) // nothing saved yet

    // A different mapping is previewed again before anything is saved.
    const remapped = await system.api('/api/templates/import', { body: { files: [{ name: 'Spring newsletter.mjml', mjml: newsletter }], mapping: { '[[FirstName]]': 'contact.lastName' } } })
    expect(remapped.body.designs[0].preview.html).toContain('Hallo Muster')

    const headline = newsletter.indexOf('<mj-section background-color="#0b3c5d"')
    const end = newsletter.indexOf('</mj-section>', headline) + '</mj-section>'.length
    const marked = `${design.mjml.slice(0, design.mjml.indexOf('<mj-section background-color="#0b3c5d"'))}[% region headline %]${newsletter.slice(headline, end)}[% endregion %]<mj-section><mj-column>[% block product-news-hydrostat-3000 %]</mj-column></mj-section>${design.mjml.slice(design.mjml.indexOf('</mj-section>') + '</mj-section>'.length)}`
    const content = {
      subject: { de: design.subject, fr: 'Les nouveautés du printemps', it: 'Le novità di primavera' },
      // The subsidiary's footer with its legal details, inserted where the design's own footer ends.
      body: { de: marked.replace('</mj-body>', '[% footer %]</mj-body>') },
      overrides: {
        fr: { fr: { headline: '<mj-section background-color="#0b3c5d"><mj-column><mj-text color="#ffffff" font-size="24px">Nouveau ce printemps : HydroClean 500</mj-text></mj-column></mj-section>' } },
        it: { it: { headline: '<mj-section background-color="#0b3c5d"><mj-column><mj-text color="#ffffff" font-size="24px">Novità di primavera: HydroClean 500</mj-text></mj-column></mj-section>' } },
      },
    }
    const saved = await save('mails', 'spring-newsletter', content)
    expect(saved.status, JSON.stringify(saved.body)).toBe(201)

    const fr = (await preview('spring-newsletter', 'FR')).body
    expect(fr.subject).toBe('Les nouveautés du printemps')
    expect(fr.html).toContain('Nouveau ce printemps : HydroClean 500')
    expect(fr.html).not.toContain('Neu im Frühjahr')
    expect(fr.html).toContain('Nouveau : HydroStat 3000') // the block in French
    expect(fr.html).toContain('RCS Lyon') // FR's footer
    const it_ = (await preview('spring-newsletter', 'IT')).body
    expect(it_.html).toContain('Novità di primavera: HydroClean 500')
    expect(it_.html).toContain('Novità: HydroStat 3000')
    const de = (await preview('spring-newsletter', 'DE')).body
    expect(de.html).toContain('Neu im Frühjahr: HydroClean 500')
    expect(de.text).toContain('Neu im Frühjahr: HydroClean 500')

    const wrongRegion = await save('mails', 'spring-newsletter', { ...content, overrides: { fr: { fr: { headlin: 'x' } } } })
    expect(wrongRegion.status).toBe(422)
    expect(wrongRegion.body.error.issues[0]).toMatchObject({ field: 'overrides.fr.fr.headlin' })
    expect(wrongRegion.body.error.issues[0].message).toContain('has no region "headlin" (it has headline)')

    const tags = (await system.api('/api/link-tags')).body.templates.find((t: { id: string }) => t.id === 'spring-newsletter')
    expect(tags.tags).toEqual(['spring-image', 'spring-offer'])
  })

  it('refuses what is not an MJML document, naming the file', async () => {
    const refused = await system.api('/api/templates/import', { body: { files: [{ name: 'a.mjml', mjml: '<mjml></mjml>' }, { name: 'b.html', mjml: '<html></html>' }] } })
    expect(refused.status).toBe(400)
    expect(refused.body.error).toMatchObject({ field: 'files.1' })
  })
})
