// Durations in campaign graphs are written the way marketers say them: "3d", "12h", "30m", "45s", "2w".
// Short units (seconds) exist so tests and demos can run a multi-day campaign in seconds on the dev server,
// which has no time skipping.
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const

export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/

export function parseDuration(text: string): number | null {
  const match = DURATION_PATTERN.exec(text.trim())
  if (!match) return null
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]
  return ms > 0 ? Math.round(ms) : null
}

export function formatDuration(text: string): string {
  const match = DURATION_PATTERN.exec(text.trim())
  if (!match) return text
  const words = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week' } as const
  const n = Number(match[1])
  const word = words[match[2] as keyof typeof words]
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
