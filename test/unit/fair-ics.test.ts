import { describe, expect, it } from 'vitest'
import { meetingIcs } from '../../fairs/ics'

describe('the meeting as an .ics attachment', () => {
  const ics = meetingIcs(
    {
      uid: 'fair-meeting-1@kessler.example',
      startsAt: new Date('2026-05-05T08:30:00Z'),
      endsAt: new Date('2026-05-05T09:00:00Z'),
      summary: 'Ihr Termin auf der maintenance Dortmund',
      location: '4.C12, Messe Dortmund; Halle 4',
      description: `Ihr Gespräch mit Sabine Vogel ist am Di., 5. Mai 2026, 10:30 an unserem Stand 4.C12 (maintenance Dortmund, Messe Dortmund, Halle 4).\nBis bald!`,
      organizer: { name: 'Sabine Vogel', email: 'sabine.vogel@kessler-hydraulik.example' },
    },
    new Date('2026-04-01T12:00:00Z'),
  )

  it('writes UTC times, escapes text and ends lines with CRLF', () => {
    expect(ics).toContain('DTSTART:20260505T083000Z\r\n')
    expect(ics).toContain('DTEND:20260505T090000Z\r\n')
    expect(ics).toContain('LOCATION:4.C12\\, Messe Dortmund\\; Halle 4\r\n')
    expect(ics.split('\r\n').filter(Boolean).every((line) => !line.includes('\n'))).toBe(true)
  })

  it('folds lines longer than 75 octets without splitting a character', () => {
    const lines = ics.split('\r\n')
    expect(lines.every((line) => Buffer.byteLength(line) <= 75)).toBe(true)
    const unfolded = ics.replace(/\r\n /g, '')
    expect(unfolded).toContain('DESCRIPTION:Ihr Gespräch mit Sabine Vogel ist am Di.\\, 5. Mai 2026\\, 10:30')
    expect(unfolded).toContain('\\nBis bald!')
  })
})
