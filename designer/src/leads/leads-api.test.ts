import { describe, expect, it } from 'vitest'
import { heat, isLeadsView } from './leads-api'

describe('scoring matrix helpers', () => {
  it('colours a cell by its share of the fullest cell', () => {
    expect(heat(0, 12)).toBe(0)
    expect(heat(3, 12)).toBe(0.25)
    expect(heat(12, 12)).toBe(1)
    // An empty matrix has no heat anywhere (and no division by zero).
    expect(heat(0, 0)).toBe(0)
  })
  it('opens the leads page for ?view=leads only', () => {
    expect(isLeadsView('?view=leads')).toBe(true)
    expect(isLeadsView('?view=campaigns')).toBe(false)
    expect(isLeadsView('')).toBe(false)
  })
})
