import { Router } from 'express'
import type { Sql, TransactionSql } from 'postgres'
import type { z } from 'zod'
import { seesSubsidiary, type Caller } from './auth'
import { forms, type formFieldsSchema } from './contract/forms'
import { route } from './contract/mount'
import { may } from './permissions'
import { notFound, type ApiError } from './errors'

interface FormAdminRow {
  id: string
  public_key: string
  name: string
  subsidiary: string
  fields: z.output<typeof formFieldsSchema>
  consent_purpose: string
  consent_version: number | null
  asset_url: string | null
  double_opt_in: boolean
  created_at: Date
  updated_at: Date
}

const toForm = (row: FormAdminRow) => ({
  id: row.id,
  key: row.public_key,
  url: `/f/${row.public_key}`,
  name: row.name,
  subsidiary: row.subsidiary,
  fields: row.fields,
  consentPurpose: row.consent_purpose,
  consentVersion: row.consent_version,
  assetUrl: row.asset_url,
  doubleOptIn: row.double_opt_in,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
})

/** Forms are a marketer's (or admin's) work (the permission forms.manage); which forms is decided by the subsidiaries their token sees. */
export const editsForms = (who: Caller) => may(who, 'forms.manage')

async function formRows(sql: Sql | TransactionSql, who: Caller, id?: string) {
  return sql<FormAdminRow[]>`
    select f.id, f.public_key, f.name, s.code as subsidiary, f.fields, f.consent_purpose, f.consent_version, f.asset_url, f.double_opt_in, f.created_at, f.updated_at
    from web_forms f join subsidiaries s on s.id = f.subsidiary_id
    where f.account_id = ${who.acc} ${id ? sql`and f.id = ${id}` : sql``}
      ${who.subs === '*' ? sql`` : sql`and s.code = any(${who.subs})`}
    order by s.code, f.public_key`
}

/** The subsidiary (visible to the caller) and the consent text the settings name, or the error naming the field. */
async function checkSettings(sql: TransactionSql, who: Caller, settings: { subsidiary: string; consentPurpose: string; consentVersion: number | null; doubleOptIn: boolean }): Promise<ApiError | { subsidiaryId: string }> {
  const [subsidiary] = await sql<{ id: string }[]>`select id from subsidiaries where account_id = ${who.acc} and code = ${settings.subsidiary}`
  if (!subsidiary) return { status: 400, code: 'invalid_input', field: 'subsidiary', message: `subsidiary: no subsidiary "${settings.subsidiary}" in this account` }
  if (!seesSubsidiary(who, settings.subsidiary)) return { status: 403, code: 'forbidden', field: 'subsidiary', message: `subsidiary: you may not manage forms of ${settings.subsidiary}` }
  const [texts] = await sql<{ n: number; has_version: boolean }[]>`
    select count(*)::int as n, coalesce(bool_or(version = ${settings.consentVersion}), false) as has_version
    from consent_texts where account_id = ${who.acc} and purpose = ${settings.consentPurpose}`
  if (settings.consentVersion !== null && !texts!.has_version) {
    return { status: 400, code: 'invalid_input', field: 'consentVersion', message: `consentVersion: no version ${settings.consentVersion} of the "${settings.consentPurpose}" consent text` }
  }
  // A form that asks for consent must have a wording to show and to name in the proof.
  if (settings.doubleOptIn && texts!.n === 0) {
    return { status: 400, code: 'invalid_input', field: 'consentPurpose', message: `consentPurpose: no consent text for "${settings.consentPurpose}" yet; create one under /api/consent-texts first` }
  }
  return { subsidiaryId: subsidiary.id }
}

/**
 * Web forms for marketers, behind the API token: list, create and change the forms the website posts to
 * (/f/<key>): their fields, subsidiary, consent text, asset and whether they ask for consent by double
 * opt-in. HQ sees every subsidiary's forms, a subsidiary marketer only their own. A form's key is fixed
 * once created, because websites post to it.
 */
export function formAdminRoutes(deps: { sql: Sql }): Router {
  const { sql } = deps
  const router = Router()

  route(router, forms.list, async ({ who }) => ({ status: 200, body: { forms: (await formRows(sql, who)).map(toForm) } }))

  route(router, forms.get, async ({ params, who }) => {
    const [row] = await formRows(sql, who, params.id)
    return row ? { status: 200, body: toForm(row) } : notFound('form')
  })

  route(router, forms.create, async ({ body: input, who }) => {
    const result = await sql.begin(async (sql) => {
      const checked = await checkSettings(sql, who, input)
      if ('status' in checked) return checked
      const [created] = await sql<{ id: string }[]>`
        insert into web_forms (account_id, subsidiary_id, public_key, name, consent_purpose, consent_version, asset_url, fields, double_opt_in)
        values (${who.acc}, ${checked.subsidiaryId}, ${input.key}, ${input.name}, ${input.consentPurpose}, ${input.consentVersion}, ${input.assetUrl},
                ${sql.json(input.fields)}, ${input.doubleOptIn})
        on conflict (public_key) do nothing returning id`
      if (!created) return { status: 409, code: 'conflict', field: 'key', message: `key: a form "${input.key}" exists already` } as ApiError
      return (await formRows(sql, who, created.id))[0]!
    })
    if ('status' in result) return result
    return { status: 201, body: toForm(result) }
  })

  route(router, forms.update, async ({ params, body, who }) => {
    const parsed = { data: body }
    const result = await sql.begin(async (sql) => {
      const [current] = await formRows(sql, who, params.id)
      if (!current) return notFound('form')
      const next = {
        subsidiary: parsed.data.subsidiary ?? current.subsidiary,
        consentPurpose: parsed.data.consentPurpose ?? current.consent_purpose,
        consentVersion: parsed.data.consentVersion === undefined ? current.consent_version : parsed.data.consentVersion,
        doubleOptIn: parsed.data.doubleOptIn ?? current.double_opt_in,
      }
      const checked = await checkSettings(sql, who, next)
      if ('status' in checked) return checked
      await sql`
        update web_forms set
          name = ${parsed.data.name ?? current.name},
          subsidiary_id = ${checked.subsidiaryId},
          fields = ${sql.json(parsed.data.fields ?? current.fields)},
          consent_purpose = ${next.consentPurpose},
          consent_version = ${next.consentVersion},
          asset_url = ${parsed.data.assetUrl === undefined ? current.asset_url : parsed.data.assetUrl},
          double_opt_in = ${next.doubleOptIn},
          updated_at = now()
        where id = ${current.id}`
      return (await formRows(sql, who, current.id))[0]!
    })
    if ('status' in result) return result
    return { status: 200, body: toForm(result) }
  })

  return router
}

