import { z } from 'zod'
import { int4 } from '../input-schemas'
import { defineRoute, idParams, timestamp } from './route'

// Web forms for marketers (api/form-admin.ts): list, create and change the forms websites post to
// (/f/<key>). HQ sees every subsidiary's forms, a subsidiary marketer only their own.

// Names the public form endpoint reads itself (api/forms.ts); the consent box belongs to double opt-in.
const RESERVED = new Set(['consent', 'consentVersion', 'consent_version', 'requestId', 'request_id', 'visitorId', 'visitor_id'])

const formField = z.strictObject({
  name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,63}$/, 'letters, digits and _ (e.g. "company" or "interest")'),
  label: z.string().trim().min(1, 'must not be empty').max(200),
  required: z.boolean().default(false),
})
export const formFieldsSchema = z
  .array(formField)
  .min(1, 'at least the email field')
  .max(30, 'at most 30 fields')
  .superRefine((fields, ctx) => {
    const seen = new Set<string>()
    fields.forEach((field, index) => {
      if (RESERVED.has(field.name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `"${field.name}" is set by the form itself (double opt-in); choose another name` })
      if (seen.has(field.name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `"${field.name}" appears twice` })
      seen.add(field.name)
    })
    if (!seen.has('email')) ctx.addIssue({ code: 'custom', message: 'must contain the email field (it identifies the contact)' })
  })

const formSettings = {
  name: z.string().trim().min(1, 'must not be empty').max(200),
  subsidiary: z.string().regex(/^[A-Z]{2}$/, 'a subsidiary code such as DE or FR'),
  fields: formFieldsSchema,
  consentPurpose: z.string().regex(/^[a-z][a-z0-9_-]{1,49}$/, 'a purpose such as "marketing"'),
  consentVersion: int4().positive('a consent text version number or null (the newest)').nullable(),
  // Served on every submission and named in the download event by its decoded file name: it must decode.
  assetUrl: z.url({ protocol: /^https?$/, error: 'an http(s) URL or null' }).max(2000).refine(decodes, 'the URL has a malformed %-escape').nullable(),
  doubleOptIn: z.boolean('true or false'),
}

export const createFormSchema = z.strictObject({
  key: z.string().regex(/^[a-z0-9][a-z0-9-]{2,63}$/, "3 to 64 lowercase letters, digits and -, as in the form's URL /f/<key>"),
  ...formSettings,
  fields: formFieldsSchema.default([{ name: 'email', label: 'E-Mail', required: true }]),
  consentPurpose: formSettings.consentPurpose.default('marketing'),
  consentVersion: formSettings.consentVersion.default(null),
  assetUrl: formSettings.assetUrl.default(null),
  doubleOptIn: formSettings.doubleOptIn.default(true),
})
export const updateFormSchema = z.strictObject({
  ...z.object(formSettings).partial().shape,
  key: z.never({ error: 'cannot change, websites post to it; create a new form instead' }).optional(),
})

export const formSchema = z.object({
  id: z.uuid(),
  key: z.string(),
  url: z.string(),
  name: z.string(),
  subsidiary: z.string(),
  fields: z.array(z.object({ name: z.string(), label: z.string(), required: z.boolean() })),
  consentPurpose: z.string(),
  consentVersion: z.number().int().nullable(),
  assetUrl: z.string().nullable(),
  doubleOptIn: z.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp,
})

export const forms = {
  list: defineRoute({
    method: 'get',
    path: '/forms',
    summary: 'The web forms of your subsidiaries',
    permission: 'forms.manage',
    responses: { 200: z.object({ forms: z.array(formSchema) }) },
  }),
  get: defineRoute({
    method: 'get',
    path: '/forms/:id',
    summary: 'One web form',
    permission: 'forms.manage',
    params: idParams,
    notFound: 'form',
    responses: { 200: formSchema },
  }),
  create: defineRoute({
    method: 'post',
    path: '/forms',
    summary: 'Create a web form (its key is fixed: websites post to /f/<key>)',
    permission: 'forms.manage',
    body: createFormSchema,
    responses: { 201: formSchema },
    errors: { 403: ['forbidden'], 409: ['conflict'] },
  }),
  update: defineRoute({
    method: 'patch',
    path: '/forms/:id',
    summary: 'Change a web form’s settings (not its key)',
    permission: 'forms.manage',
    params: idParams,
    notFound: 'form',
    body: updateFormSchema,
    responses: { 200: formSchema },
    errors: { 403: ['forbidden'] },
  }),
}

function decodes(url: string): boolean {
  try {
    decodeURIComponent(new URL(url).pathname)
    return true
  } catch {
    return false
  }
}
