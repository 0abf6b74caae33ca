import { describe, expect, it } from 'vitest'
import { editableText, lineOnScreen, offsetOf, overrideRows, regionDefaults, withEditedText } from './template-source'

const MASTER = '<mj-text>[% region slogan %]Präzision[% endregion %]</mj-text>\n[% region footer %]<mj-text>[% region legal %]GmbH[% endregion %]</mj-text>[% endregion %]'

describe('template source', () => {
  it('edits one locale of a mail body and drops an emptied one so that it falls back again', () => {
    const mail = { subject: { de: 'Hallo' }, body: { de: '<mj-text>DE</mj-text>', fr: '<mj-text>FR</mj-text>' } }
    expect(editableText('mail', mail, 'fr')).toBe('<mj-text>FR</mj-text>')
    const edited = withEditedText('mail', mail, 'fr', '<mj-text>Bonjour</mj-text>')
    expect(edited).toEqual({ ok: true, content: { ...mail, body: { de: '<mj-text>DE</mj-text>', fr: '<mj-text>Bonjour</mj-text>' } } })
    expect(withEditedText('mail', mail, 'fr', '  ')).toEqual({ ok: true, content: { ...mail, body: { de: '<mj-text>DE</mj-text>' } } })
  })

  it('reports broken JSON of a derived template with its line', () => {
    const edited = withEditedText('subsidiary', {}, 'fr', '{\n  "master": "corporate",\n  oops\n}')
    expect(edited.ok).toBe(false)
    if (!edited.ok) expect(edited.issue.line).toBe(3)
  })

  it('points an issue at the line on screen only when it is in the source shown', () => {
    const issue = { region: 'body', line: 4, column: 7, message: 'x', field: 'body.fr' }
    expect(lineOnScreen('mail', issue, 'fr', '')).toEqual({ line: 4, column: 7 })
    expect(lineOnScreen('mail', issue, 'de', '')).toBeNull()
    const json = JSON.stringify({ master: 'corporate', regions: { slogan: 'a', legal: 'b' } }, null, 2)
    expect(lineOnScreen('subsidiary', { region: 'legal', line: 1, column: 3, message: 'x', field: 'regions.legal' }, 'fr', json)).toEqual({ line: 5, column: 1 })
  })

  it('turns line and column into an offset', () => {
    expect(offsetOf('ab\ncde\nf', 2, 2)).toBe(4)
    expect(offsetOf('ab\ncde', 9, 1)).toBe(3)
  })

  it('lists every region of the master with the derived template’s overrides, nested ones too', () => {
    expect([...regionDefaults(MASTER)]).toEqual([
      ['slogan', 'Präzision'],
      ['legal', 'GmbH'],
      ['footer', '<mj-text>[% region legal %]GmbH[% endregion %]</mj-text>'],
    ])
    const rows = overrideRows(MASTER, { regions: { slogan: 'Précision' }, strings: { fr: { closing: 'Bien à vous,' } } }, 'fr', { closing: 'Bien cordialement,' })
    expect(rows).toEqual([
      { what: 'region', name: 'slogan', inherited: 'Präzision', own: 'Précision' },
      { what: 'region', name: 'legal', inherited: 'GmbH', own: null },
      { what: 'region', name: 'footer', inherited: '<mj-text>[% region legal %]GmbH[% endregion %]</mj-text>', own: null },
      { what: 'string', name: 'closing', inherited: 'Bien cordialement,', own: 'Bien à vous,' },
    ])
  })
})
