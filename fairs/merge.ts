// Per-field merge of what reps capture about a visitor. Every field travels with the moment it was
// changed on the device ("at"); the later change wins, field by field, so two reps at the stand editing
// the same visitor offline each keep the fields they touched last. Ties keep what is stored (a capture
// synced twice changes nothing). Pure: the sync (fairs/sync.ts) and its unit test use it.

export interface CapturedField<V = unknown> {
  value: V
  /** When the rep changed the field on the device (ISO time). */
  at: string
  /** Who changed it (the rep's e-mail), filled in by the server. */
  by?: string
}

export type CapturedFields = Record<string, CapturedField>

export function mergeCapturedFields(stored: CapturedFields, incoming: CapturedFields): { fields: CapturedFields; changed: string[] } {
  const fields: CapturedFields = { ...stored }
  const changed: string[] = []
  for (const [name, field] of Object.entries(incoming)) {
    const current = stored[name]
    if (current && Date.parse(current.at) >= Date.parse(field.at)) continue
    fields[name] = field
    if (!current || JSON.stringify(current.value) !== JSON.stringify(field.value)) changed.push(name)
  }
  return { fields, changed }
}

/** The current value of a field, typed by the caller. */
export const valueOf = <V>(fields: CapturedFields, name: string): V | undefined => fields[name]?.value as V | undefined
