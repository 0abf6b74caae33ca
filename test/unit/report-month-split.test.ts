import { describe, expect, it } from 'vitest'
import { monthSplit } from '../../db/report-aggregates'

// Dashboards read whole months from the monthly rollups and only a period's ragged edges from the day rows:
// every day of the period must be read exactly once, from one of the two.
describe('a period split into whole months and edges', () => {
  const days = (from: string, to: string) => {
    const out: string[] = []
    for (let t = Date.parse(from); t <= Date.parse(to); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10))
    return out
  }
  const covered = (from: string, to: string) => {
    const { months, edges } = monthSplit(from, to)
    const out = edges.flatMap(([a, b]) => days(a, b))
    if (months) for (const day of days(months[0], to)) if (day.slice(8) === '01' && day <= months[1]) out.push(...days(day, new Date(Date.UTC(+day.slice(0, 4), +day.slice(5, 7), 0)).toISOString().slice(0, 10)))
    return out.sort()
  }

  it('reads the default year (today back 364 days) as eleven months and two edges', () => {
    expect(monthSplit('2025-12-04', '2026-12-03')).toEqual({ months: ['2026-01-01', '2026-11-01'], edges: [['2025-12-04', '2025-12-31'], ['2026-12-01', '2026-12-03']] })
  })

  it('needs no edge for whole months, and no month inside one', () => {
    expect(monthSplit('2026-01-01', '2026-03-31')).toEqual({ months: ['2026-01-01', '2026-03-01'], edges: [] })
    expect(monthSplit('2026-02-03', '2026-02-20')).toEqual({ months: null, edges: [['2026-02-03', '2026-02-20']] })
    expect(monthSplit('2026-01-15', '2026-02-27')).toEqual({ months: null, edges: [['2026-01-15', '2026-02-27']] })
  })

  it('covers every day of any period exactly once (leap years and year ends included)', () => {
    for (const [from, to] of [['2023-11-30', '2024-03-01'], ['2024-02-29', '2025-02-28'], ['2025-12-31', '2026-01-01'], ['2026-03-01', '2026-03-01'], ['2019-07-17', '2026-12-03']] as const) {
      expect(covered(from, to)).toEqual(days(from, to))
    }
  })
})
