import { describe, expect, it } from 'vitest'
import { campaignKpis } from '../../reporting/kpis'
import { parseAmount, parseDay, toCsv } from '../../reporting/csv-values'

describe('campaign KPIs', () => {
  it('the worked example: 43,550 € over 240 MQLs and 50 orders, 560,000 € revenue, 250,000 € production cost', () => {
    const k = campaignKpis({ cost: 43_550, leads: 900, mql: 240, sal: 180, rejected: 60, sql: 120, opportunity: 80, won: 50, revenue: 560_000, production: 250_000 })
    expect(k.costPerLead).toBeCloseTo(181.46, 2)
    expect(k.costPerOrder).toBe(871)
    expect(k.conversion.mqlToWon).toBeCloseTo(0.208, 3)
    expect(k.roi!.toFixed(2)).toBe('6.12')
  })

  it('says nothing rather than dividing by zero', () => {
    const k = campaignKpis({ cost: 0, leads: 0, mql: 0, sal: 0, rejected: 0, sql: 0, opportunity: 0, won: 0, revenue: 0, production: 0 })
    expect(k.roi).toBeNull()
    expect(k.costPerLead).toBeNull()
  })
})

describe('CSV values', () => {
  it('reads amounts and dates as European spreadsheets write them', () => {
    expect(parseAmount('1.234,56 €')).toBe(1234.56)
    expect(parseAmount('43550')).toBe(43550)
    expect(parseAmount('12,5')).toBe(12.5)
    expect(parseAmount('1,234.50')).toBe(1234.5)
    expect(parseAmount('abc')).toBeNull()
    expect(parseDay('31.03.2026')).toBe('2026-03-31')
    expect(parseDay('2026-02-30')).toBeNull()
  })

  it('quotes what must be quoted', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"']])).toBe('a,b\r\n"x,y","say ""hi"""\r\n')
  })
})
