import { z } from 'zod'
import { emailAddress } from './input-schemas'

// CSV uploads for manual enrolment: one column named "email" (any others are ignored). Files come out of
// Excel and CRMs, so a byte-order mark, CRLF line ends, ";" or tab as the separator (German and French
// Excel write ";") and quoted fields (with "" for a quote, and line breaks inside) are all fine. Every
// problem names the line of the file it is on, counting the header as line 1.

export const MAX_CSV_ROWS = 100_000

export interface CsvRow {
  line: number
  email: string
}

export interface CsvProblem {
  line: number
  reason: 'invalid_row' | 'duplicate_row'
  message: string
}

export type CsvParse =
  | { ok: true; rows: CsvRow[]; problems: CsvProblem[] }
  | { ok: false; error: 'no_email_column' | 'unclosed_quote' | 'too_many_rows' | 'empty'; line?: number; message: string }

const email = emailAddress()

export interface CsvRecord {
  line: number
  fields: string[]
}

export function detectSeparator(text: string): string {
  const header = text.slice(0, text.search(/\r?\n|$/))
  const counts = [',', ';', '\t'].map((separator) => ({ separator, n: header.split(separator).length }))
  return counts.reduce((best, candidate) => (candidate.n > best.n ? candidate : best)).separator
}

/** Splits the text into records (RFC 4180), each with the line it starts on; unclosedAt is where a quote never closes. */
export function records(text: string, separator: string, limit: number): { records: CsvRecord[]; unclosedAt?: number } {
  const out: CsvRecord[] = []
  let fields: string[] = []
  let field = ''
  let quoted = false
  let line = 1
  let recordLine = 1
  let quoteLine = 1
  let fieldStart = true
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else {
        if (c === '\n') line++
        field += c
      }
      continue
    }
    if (c === '"' && fieldStart) {
      quoted = true
      quoteLine = line
      fieldStart = false
    } else if (c === separator) {
      fields.push(field)
      field = ''
      fieldStart = true
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      fields.push(field)
      out.push({ line: recordLine, fields })
      // One more than the limit is enough to know the file is too long.
      if (out.length > limit) return { records: out }
      fields = []
      field = ''
      fieldStart = true
      line++
      recordLine = line
    } else {
      field += c
      fieldStart = false
    }
  }
  if (quoted) return { records: out, unclosedAt: quoteLine }
  if (field !== '' || fields.length) {
    fields.push(field)
    out.push({ line: recordLine, fields })
  }
  return { records: out }
}

/** The rows of an enrolment upload, and every line that cannot be used, with why. */
export function parseEnrolmentCsv(input: string, maxRows = MAX_CSV_ROWS): CsvParse {
  const text = input.replace(/^\uFEFF/, '')
  if (text.trim() === '') return { ok: false, error: 'empty', message: 'body: the CSV file is empty' }
  const separator = detectSeparator(text)
  const split = records(text, separator, maxRows + 1)
  if (split.unclosedAt !== undefined) {
    return { ok: false, error: 'unclosed_quote', line: split.unclosedAt, message: `line ${split.unclosedAt}: a quoted field is never closed` }
  }
  const [header, ...body] = split.records.filter((record) => record.fields.some((value) => value.trim() !== ''))
  const column = header!.fields.findIndex((name) => /^e-?mail$/i.test(name.trim()))
  if (column < 0) {
    return { ok: false, error: 'no_email_column', line: header!.line, message: `line ${header!.line}: the header has no "email" column (found: ${header!.fields.map((name) => `"${name.trim()}"`).join(', ')})` }
  }
  if (body.length > maxRows) return { ok: false, error: 'too_many_rows', message: `body: more than ${maxRows} rows; split the file` }

  const rows: CsvRow[] = []
  const problems: CsvProblem[] = []
  const seen = new Map<string, number>()
  for (const record of body) {
    const value = (record.fields[column] ?? '').trim()
    if (value === '') {
      problems.push({ line: record.line, reason: 'invalid_row', message: `line ${record.line}: no e-mail address` })
      continue
    }
    if (!email.safeParse(value).success) {
      problems.push({ line: record.line, reason: 'invalid_row', message: `line ${record.line}: "${value.slice(0, 100)}" is not an e-mail address` })
      continue
    }
    const first = seen.get(value.toLowerCase())
    if (first !== undefined) {
      problems.push({ line: record.line, reason: 'duplicate_row', message: `line ${record.line}: ${value} is already on line ${first}` })
      continue
    }
    seen.set(value.toLowerCase(), record.line)
    rows.push({ line: record.line, email: value })
  }
  return { ok: true, rows, problems }
}

/** Any CSV upload as a header and its non-empty rows (same dialects as above): used by the cost and opportunity imports. */
export function parseCsvTable(input: string, maxRows = MAX_CSV_ROWS): { ok: true; header: string[]; rows: CsvRecord[] } | { ok: false; line?: number; message: string } {
  const text = input.replace(/^\uFEFF/, '')
  if (text.trim() === '') return { ok: false, message: 'body: the CSV file is empty' }
  const split = records(text, detectSeparator(text), maxRows + 1)
  if (split.unclosedAt !== undefined) return { ok: false, line: split.unclosedAt, message: `line ${split.unclosedAt}: a quoted field is never closed` }
  const [header, ...rows] = split.records.filter((record) => record.fields.some((value) => value.trim() !== ''))
  if (rows.length > maxRows) return { ok: false, message: `body: more than ${maxRows} rows; split the file` }
  return { ok: true, header: header!.fields.map((name) => name.trim()), rows }
}
