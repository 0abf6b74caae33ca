import { readFileSync } from 'node:fs'
import { deflateRawSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { designSections, markSection, placeBlock } from '../../templates/design-sections'
import { applyMergeTagMapping, detectMergeTags, suggestedMapping } from '../../templates/merge-tags'
import { createTemplateRenderer } from '../../templates/renderer'
import { knownVariables } from '../../templates/variables'
import { withItem } from '../../templates/template-set'
import { mjmlFilesInZip } from '../../templates/zip'

// Designs from other tools: their merge tags found and mapped, sections marked as regions, blocks placed, zips read.
const set = createTemplateRenderer().builtIn
const known = knownVariables(set, ['industry'])
const newsletter = readFileSync(new URL('../fixtures/spring-newsletter.mjml', import.meta.url), 'utf8')

describe('merge tags of other tools', () => {
  it('finds Mailchimp, Mailjet, HubSpot and Mautic tags with positions and suggests product variables', () => {
    const source = [
      'Hi *|FNAME|* *|LNAME|*, <a href="*|UNSUB|*">x</a>',
      'Hallo [[FirstName]] [[data:firstname:"zusammen"]] {{var:company:"Ihr Team"}} [[ t.closing ]]',
      'Hey {{ contact.firstname }} of {{ contact.company }} <a href="{{ unsubscribe_link }}">',
      'Bonjour {contactfield=firstname|vous} <a href="{unsubscribe_url}">',
    ].join('\n')
    const tags = detectMergeTags(source, known)
    expect(tags.map(({ raw, tool, line, column, suggestion, fallback }) => ({ raw, tool, line, column, suggestion, ...(fallback && { fallback }) }))).toEqual([
      { raw: '*|FNAME|*', tool: 'mailchimp', line: 1, column: 4, suggestion: 'contact.firstName' },
      { raw: '*|LNAME|*', tool: 'mailchimp', line: 1, column: 14, suggestion: 'contact.lastName' },
      { raw: '*|UNSUB|*', tool: 'mailchimp', line: 1, column: 34, suggestion: 'unsubscribeUrl' },
      { raw: '[[FirstName]]', tool: 'mailjet', line: 2, column: 7, suggestion: 'contact.firstName' },
      { raw: '[[data:firstname:"zusammen"]]', tool: 'mailjet', line: 2, column: 21, suggestion: 'contact.firstName', fallback: 'zusammen' },
      { raw: '{{var:company:"Ihr Team"}}', tool: 'mailjet', line: 2, column: 51, suggestion: 'contact.company', fallback: 'Ihr Team' },
      { raw: '{{ contact.firstname }}', tool: 'hubspot', line: 3, column: 5, suggestion: 'contact.firstName' },
      { raw: '{{ unsubscribe_link }}', tool: 'hubspot', line: 3, column: 63, suggestion: 'unsubscribeUrl' },
      { raw: '{contactfield=firstname|vous}', tool: 'mautic', line: 4, column: 9, suggestion: 'contact.firstName', fallback: 'vous' },
      { raw: '{unsubscribe_url}', tool: 'mautic', line: 4, column: 48, suggestion: 'unsubscribeUrl' },
    ])
    const mapped = applyMergeTagMapping(source, tags, { ...suggestedMapping(tags), '*|LNAME|*': '' })
    expect(mapped).toContain('Hi {{ contact.firstName }} , <a href="{{ unsubscribeUrl }}">')
    expect(mapped).toContain('{{ contact.firstName | default: "zusammen" }} {{ contact.company | default: "Ihr Team" }} [[ t.closing ]]')
    expect(mapped).toContain('Bonjour {{ contact.firstName | default: "vous" }} <a href="{{ unsubscribeUrl }}">')
    expect(detectMergeTags(mapped, known)).toEqual([])
  })
})

describe('sections of a design', () => {
  it('are listed, marked as named regions and get content blocks placed between them', () => {
    const sections = designSections(newsletter)
    expect(sections.map((s) => s.label)).toEqual([
      'Neu im Frühjahr: HydroClean 500',
      expect.stringContaining('Hallo'),
      expect.stringContaining('Der HydroClean 500'),
      expect.stringContaining('Sie erhalten diese Mail'),
    ])
    const marked = markSection(markSection(newsletter, 0, 'headline'), 1, 'salutation')
    expect(designSections(marked).map((s) => s.region)).toEqual(['headline', 'salutation', undefined, undefined])
    expect(marked).toContain('[% region headline %]<mj-section background-color="#0b3c5d"')
    expect(marked).toMatch(/<mj-column>\[% region salutation %\]\s*<mj-text>Hallo/)
    expect(() => markSection(marked, 0, 'header')).toThrow('already the region "headline"')
    const withBlock = placeBlock(marked, 0, 'product-news-hydrostat-3000')
    expect(withBlock).toContain('[% endregion %]<mj-section><mj-column>[% block product-news-hydrostat-3000 %]</mj-column></mj-section>')
  })
})

describe('zip upload', () => {
  it('reads the .mjml files of a zip (stored and deflated), skipping others', () => {
    const zip = makeZip([
      { name: 'designs/spring.mjml', data: Buffer.from(newsletter), deflate: true },
      { name: 'designs/readme.txt', data: Buffer.from('hi'), deflate: false },
      { name: 'autumn.mjml', data: Buffer.from('<mjml></mjml>'), deflate: false },
    ])
    expect(mjmlFilesInZip(zip)).toEqual([
      { name: 'spring.mjml', text: newsletter },
      { name: 'autumn.mjml', text: '<mjml></mjml>' },
    ])
    expect(() => mjmlFilesInZip(Buffer.from('not a zip'))).toThrow('not a zip file')
  })
})

// A minimal zip writer (local headers, central directory, end record) for the test.
function makeZip(entries: { name: string; data: Buffer; deflate: boolean }[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const entry of entries) {
    const body = entry.deflate ? deflateRawSync(entry.data) : entry.data
    const name = Buffer.from(entry.name)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(entry.deflate ? 8 : 0, 8)
    local.writeUInt32LE(body.length, 18)
    local.writeUInt32LE(entry.data.length, 22)
    local.writeUInt16LE(name.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(entry.deflate ? 8 : 0, 10)
    central.writeUInt32LE(body.length, 20)
    central.writeUInt32LE(entry.data.length, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, body)
    centrals.push(central, name)
    offset += 30 + name.length + body.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

describe('personalisation in attributes, and the text part of any design', () => {
  it('fills image URLs, alt texts and links per recipient, tracks and untags them in HTML and text alike', async () => {
    const renderer = createTemplateRenderer()
    const design = `<mjml><mj-body><mj-section><mj-column>
<mj-image src="https://img.example/{{ contact.attributes.industry | default: 'general' }}.jpg" alt="Für {{ contact.company }}" href="https://shop.example/?c={{ contact.company | url_encode }}&amp;mt_tag=shop" />
<mj-button href="https://shop.example/{{ contact.attributes.industry }}?mt_tag=industry">Mehr für {{ contact.company }}</mj-button>
<mj-text>Static <a href="https://www.kessler-hydraulik.example/news?mt_tag=news">news</a></mj-text>
</mj-column></mj-section></mj-body></mjml>`
    const tracked: string[] = []
    const mail = await renderer.render({
      templateId: 'x',
      subsidiary: { code: 'DE', locale: 'de', name: 'Kessler Hydraulik GmbH' },
      templates: withItem(set, 'mail', 'x', { subject: { de: 'S' }, body: { de: design } }),
      contact: { email: 'a@example.com', firstName: 'Anna', lastName: 'M', salutation: 'ms', company: 'Müller & Söhne', attributes: { industry: 'steel' } },
      unsubscribeUrl: 'https://example.com/u/1',
      trackLink: (url, tag) => `https://t.example/${tracked.push(`${url} ${tag}`)}`,
    })
    expect(mail.html).toContain('src="https://img.example/steel.jpg"')
    expect(mail.html).toContain('alt="Für Müller &amp; Söhne"')
    expect(tracked.sort()).toEqual(['https://shop.example/?c=M%C3%BCller+%26+S%C3%B6hne shop', 'https://shop.example/steel industry', 'https://www.kessler-hydraulik.example/news news'])
    expect(mail.html).not.toContain('mt_tag')
    expect(mail.text).not.toContain('mt_tag')
    expect(mail.text).toContain('Mehr für Müller & Söhne [https://t.example/')
    expect(mail.text).toContain('news [https://t.example/')
    expect(mail.text).toContain('[https://example.com/u/1]') // the unsubscribe link, untracked
    expect(mail.text).not.toMatch(/\{\{|\{%|<|mj-/)
  })
})
