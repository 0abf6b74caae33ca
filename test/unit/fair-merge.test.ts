import { describe, expect, it } from 'vitest'
import { mergeCapturedFields } from '../../fairs/merge'

describe('merging a visitor captured by several reps', () => {
  it('keeps, field by field, the later change', () => {
    const stored = { notes: { value: 'wants a quote', at: '2026-05-05T10:00:00Z' }, rating: { value: 'warm', at: '2026-05-05T10:00:00Z' } }
    const incoming = { notes: { value: 'older note', at: '2026-05-05T09:00:00Z' }, rating: { value: 'hot', at: '2026-05-05T10:05:00Z' }, company: { value: 'Becker', at: '2026-05-05T09:30:00Z' } }
    const { fields, changed } = mergeCapturedFields(stored, incoming)
    expect(fields.notes!.value).toBe('wants a quote')
    expect(fields.rating!.value).toBe('hot')
    expect(fields.company!.value).toBe('Becker')
    expect(changed.sort()).toEqual(['company', 'rating'])
  })

  it('changes nothing when the same capture comes twice', () => {
    const capture = { notes: { value: 'x', at: '2026-05-05T10:00:00Z' } }
    const once = mergeCapturedFields({}, capture)
    const twice = mergeCapturedFields(once.fields, capture)
    expect(twice.changed).toEqual([])
    expect(twice.fields).toEqual(once.fields)
  })
})
