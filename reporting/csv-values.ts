// Values as spreadsheets write them: "1.234,56 €" (German, French, Italian, Spanish Excel) and "1234.56"
// are the same amount; dates as 2026-03-31 or 31.03.2026.

/** An amount in EUR, or null when the text is not one. */
export function parseAmount(text: string): number | null {
  let value = text.replace(/[\s\u00a0€]/g, '').replace(/EUR$/i, '')
  if (value === '') return null
  if (/^-?\d{1,3}(\.\d{3})+(,\d+)?$/.test(value) || /^-?\d+,\d{1,2}$/.test(value)) value = value.replace(/\./g, '').replace(',', '.')
  else value = value.replace(/,(?=\d{3}(\D|$))/g, '')
  if (!/^-?\d+(\.\d+)?$/.test(value)) return null
  return Math.round(Number(value) * 100) / 100
}

/** A calendar date as YYYY-MM-DD, or null. */
export function parseDay(text: string): string | null {
  const value = text.trim()
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  const dotted = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(value)
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : dotted ? [dotted[3], dotted[2]!.padStart(2, '0'), dotted[1]!.padStart(2, '0')] : []
  if (!y || y < '1900' || y > '2999') return null
  const date = new Date(`${y}-${m}-${d}T00:00:00Z`)
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== `${y}-${m}-${d}` ? null : `${y}-${m}-${d}`
}

/** Rows of a table as CSV (RFC 4180, comma, CRLF), for the reports' exports. */
export function toCsv(header: string[], rows: unknown[][]): string {
  const cell = (value: unknown) => {
    const text = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value)
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
  }
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n'
}
