import { z } from 'zod'

// Names marketers give to branches and split arms. A name is also the id of its output (the edge's
// sourceHandle), so it is short and plain.
export const outputNameSchema = z
  .string()
  .trim()
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} _-]{0,39}$/u, 'a name is up to 40 letters, digits, spaces, "-" or "_"')

/** Issues for names used twice, with fields like "arms.2.name". */
export function duplicateNameIssues(items: readonly { name: string }[], field: string, what: string): { field: string; message: string }[] {
  const seen = new Set<string>()
  const issues: { field: string; message: string }[] = []
  items.forEach((item, i) => {
    if (seen.has(item.name)) issues.push({ field: `${field}.${i}.name`, message: `two ${what} are called "${item.name}"` })
    seen.add(item.name)
  })
  return issues
}
