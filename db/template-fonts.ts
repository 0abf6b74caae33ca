import type { Sql } from 'postgres'

export interface FontFace {
  family: string
  weight: number
  style: 'normal' | 'italic'
  format: 'woff2' | 'woff'
}

/** Stores (or replaces) the faces of a family; one transaction, so a family is never half uploaded. */
export async function saveFontFaces(sql: Sql, accountId: string, uploadedBy: string, faces: (FontFace & { data: Buffer })[]): Promise<void> {
  await sql.begin(async (sql) => {
    for (const face of faces) {
      await sql`
        insert into template_fonts (account_id, family, weight, style, format, data, uploaded_by)
        values (${accountId}, ${face.family}, ${face.weight}, ${face.style}, ${face.format}, ${face.data}, ${uploadedBy})
        on conflict (account_id, family, weight, style) do update set format = excluded.format, data = excluded.data, uploaded_by = excluded.uploaded_by, uploaded_at = now()`
    }
  })
}

export async function fontFaces(sql: Sql, accountId: string, family?: string): Promise<FontFace[]> {
  return sql<FontFace[]>`
    select family, weight, style, format from template_fonts
    where account_id = ${accountId} ${family === undefined ? sql`` : sql`and lower(family) = lower(${family})`}
    order by family, weight, style`
}

export async function fontFile(sql: Sql, accountId: string, family: string, weight: number, style: string): Promise<{ format: string; data: Buffer } | undefined> {
  const [row] = await sql<{ format: string; data: Buffer }[]>`
    select format, data from template_fonts where account_id = ${accountId} and lower(family) = lower(${family}) and weight = ${weight} and style = ${style}`
  return row
}
