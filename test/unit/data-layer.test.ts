import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// Each shared table has one owning module under db/ (issue 13, "a data layer"): SQL that names `contacts`
// or `campaign_versions` (from/join/update/into) lives there, and routes, activities and the engine call
// its named functions. This keeps it so: a query written anywhere else fails here with the file's name.

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const OWNED_TABLES = ['contacts', 'campaign_versions']
const SQL_NAMING = new RegExp(`\\b(from|join|update|into)\\s+(${OWNED_TABLES.join('|')})\\b`)

/** Where SQL may name the tables: the data layer itself, tests, benchmarks and the demo seeds (bulk setup, not product paths). */
const ALLOWED = [/^db\//, /^test\//, /^bench\//, /^server\/seed[^/]*\.ts$/]

/**
 * Files still to be moved, and who is in them this session; each entry must still name a table (so the
 * list shrinks as they move) and nothing may be added to it.
 */
const LEFT_FOR_LATER: Record<string, string> = {}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) return []
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(entry.name) ? [relative(ROOT, path)] : []
  })
}

describe('the data layer owns contacts and campaign_versions', () => {
  const naming = sourceFiles(ROOT)
    .filter((file) => !ALLOWED.some((pattern) => pattern.test(file)))
    .filter((file) => SQL_NAMING.test(readFileSync(join(ROOT, file), 'utf8')))

  it('finds no SQL naming them outside db/ (tests, benchmarks and seeds aside)', () => {
    expect(naming.filter((file) => !(file in LEFT_FOR_LATER))).toEqual([])
  })

  it('lists as left for later only files that still name them', () => {
    expect(Object.keys(LEFT_FOR_LATER).filter((file) => !naming.includes(file))).toEqual([])
  })

  it('recognises such SQL (so the check above can fail)', () => {
    expect(SQL_NAMING.test('select id from contacts where id = $1')).toBe(true)
    expect(SQL_NAMING.test('h join\n      contacts c on c.id = h.contact_id')).toBe(true)
    expect(SQL_NAMING.test('update campaign_versions set graph = $1')).toBe(true)
    expect(SQL_NAMING.test('select * from contact_scores')).toBe(false)
  })
})
