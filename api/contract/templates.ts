import { z } from 'zod'
import { emailAddress, int4 } from '../input-schemas'
import { defineRoute, positiveInt, timestamp } from './route'

// Templates (api/templates.ts, template-preview.ts, template-translations.ts, template-fonts.ts,
// template-import.ts): the editor's overview, versions and saves, previews and test sends, missing
// translations and their DeepL pre-fill, self-hosted fonts and the import of other tools' designs.
// Template content is checked per kind by the handler (templates/template-set.ts), after the body.

// Kept here rather than imported from templates/template-set.ts: that module is server code, and this
// one runs in the browser too. A test holds the two lists equal.
export const TEMPLATE_KINDS = ['master', 'subsidiary', 'mail', 'block', 'locale'] as const
/** The URL segment of each kind: /api/templates/masters/corporate, /subsidiaries/fr, /mails/…, /blocks/…, /locales/fr. */
export const TEMPLATE_SEGMENTS = ['masters', 'subsidiaries', 'mails', 'blocks', 'locales'] as const
export const TEMPLATE_KEY = /^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/
const templateKey = z.string().regex(TEMPLATE_KEY, 'letters, digits, - and _ only (at most 80)')
const locale = z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'a language such as de or de-CH')
const subsidiaryCode = z.string().regex(/^[A-Za-z]{2}$/, 'a subsidiary code such as DE')

/** A problem at a position of the author's own source (templates/template-errors.ts). */
export const templateIssueSchema = z.object({
  region: z.string().nullable(),
  origin: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  message: z.string(),
  field: z.string().optional(),
  locale: z.string().optional(),
  subsidiary: z.string().optional(),
})

export const missingTranslationSchema = z.object({
  kind: z.enum(['locale', 'subsidiary', 'mail', 'block']),
  key: z.string(),
  locale: z.string(),
  /** What falls back: string keys ("closing", "salutation.mr"), or "subject" / "body". */
  missing: z.array(z.string()),
  needsReview: z.array(z.string()).optional(),
  fallsBackTo: z.string(),
})

const sampleContact = z.union([
  z.strictObject({ email: emailAddress() }).transform((c) => ({ lookup: c.email })),
  z
    .strictObject({
      firstName: z.string().max(200).nullable().default(null),
      lastName: z.string().max(200).nullable().default(null),
      salutation: z.enum(['mr', 'ms', 'none']).nullable().default(null),
      company: z.string().max(200).nullable().default(null),
      attributes: z.record(z.string(), z.unknown()).default({}),
    })
    .transform((c) => ({ inline: { email: 'sample.contact@example.com', ...c } })),
])

export const previewBody = z.strictObject({
  /** The mail template to render. */
  template: templateKey,
  /** Subsidiary code: decides the derived template (slogan, footer, legal details). */
  subsidiary: subsidiaryCode.transform((code) => code.toUpperCase()),
  /** Language; default the subsidiary's. */
  locale: locale.optional(),
  /** A stored contact ({email}) or sample fields; default a sample contact. */
  contact: sampleContact.optional(),
  /** Liquid variables beside contact, e.g. {"event": {"product": "HydroStat 2000"}}. */
  variables: z.record(z.string(), z.unknown()).default({}),
  /** Unsaved source to preview instead of the stored version: [{kind, key, content}]. */
  drafts: z.array(z.strictObject({ kind: z.enum(TEMPLATE_KINDS), key: templateKey, content: z.unknown() })).max(20).default([]),
  /** Older versions to preview: {"mail:onboarding-welcome": 2}; others are the newest. */
  versions: z.record(z.string().regex(/^(master|subsidiary|mail|block|locale):[A-Za-z0-9_-]+$/), int4().min(1)).optional(),
})
export type PreviewBody = z.output<typeof previewBody>

const mergeTagSchema = z.object({
  raw: z.string(),
  tool: z.enum(['mailchimp', 'mailjet', 'hubspot', 'mautic']),
  name: z.string(),
  fallback: z.string().optional(),
  line: z.number().int(),
  column: z.number().int(),
  count: z.number().int(),
  suggestion: z.string().optional(),
})

export const importedDesignSchema = z.object({
  file: z.string(),
  /** A free mail key made from the file name. */
  key: z.string(),
  subject: z.string(),
  locale: z.string(),
  tags: z.array(mergeTagSchema),
  /** What each tag becomes in `mjml`. */
  mapping: z.record(z.string(), z.string()),
  /** The design with the mapping applied: the body to save. */
  mjml: z.string(),
  /** Problems that would refuse the save (422), with positions in `mjml`. */
  issues: z.array(templateIssueSchema),
  warnings: z.array(templateIssueSchema),
  preview: z.object({ subject: z.string(), html: z.string(), text: z.string() }).nullable(),
})

export const fontFamilyParams = z.strictObject({ family: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _-]{0,79}$/, 'a font family name such as "Inter" or "Open Sans"') })
const hostedFontSchema = z.object({ family: z.string(), cssUrl: z.string(), faces: z.array(z.object({ weight: z.number(), style: z.string(), format: z.string() })) })

const templateParams = z.strictObject({ kind: z.enum(TEMPLATE_SEGMENTS), key: templateKey })
const versionSummary = z.object({ version: z.number().int(), createdBy: z.string(), createdAt: timestamp, note: z.string().nullable() })
const storedVersion = z.object({ kind: z.enum(TEMPLATE_KINDS), key: z.string(), version: z.number().int(), content: z.unknown(), createdBy: z.string(), createdAt: timestamp, note: z.string().nullable() })
const renderedMail = z.object({ subject: z.string(), html: z.string(), text: z.string(), locale: z.string() })

export const templates = {
  list: defineRoute({
    method: 'get',
    path: '/templates',
    summary: 'The mail templates a send step may use (the designer’s template picker)',
    permission: 'templates.read',
    responses: { 200: z.object({ templates: z.array(z.object({ id: z.string(), name: z.string(), version: z.number().int() })) }) },
  }),
  overview: defineRoute({
    method: 'get',
    path: '/templates/overview',
    summary: 'Every template: masters with their regions, derived templates with what they override, mails, blocks with their users, locales',
    permission: 'templates.read',
    responses: {
      200: z.object({
        masters: z.array(z.object({ key: z.string(), version: z.number().int(), locale: z.string(), name: z.string(), regions: z.array(z.string()) })),
        subsidiaries: z.array(
          z.object({
            key: z.string(),
            code: z.string(),
            version: z.number().int(),
            master: z.string(),
            locale: z.string(),
            overrides: z.object({ regions: z.array(z.string()), strings: z.record(z.string(), z.array(z.string())) }),
            needsReview: z.record(z.string(), z.array(z.string())),
          }),
        ),
        mails: z.array(
          z.object({
            key: z.string(),
            version: z.number().int(),
            name: z.string(),
            locales: z.array(z.string()),
            blocks: z.array(z.string()),
            /** 'standalone': the mail is a whole MJML design of its own; 'master': it fills a master's regions. */
            layout: z.enum(['standalone', 'master']),
            regions: z.array(z.string()),
          }),
        ),
        blocks: z.array(z.object({ key: z.string(), version: z.number().int(), kind: z.string(), name: z.string(), locales: z.array(z.string()), usedBy: z.array(z.string()) })),
        locales: z.array(z.object({ key: z.string(), version: z.number().int() })),
      }),
    },
  }),
  missingTranslations: defineRoute({
    method: 'get',
    path: '/templates/translations/missing',
    summary: 'What falls back to another language, per template (optionally for one locale or subsidiary)',
    permission: 'templates.read',
    query: z.strictObject({ locale: locale.optional(), subsidiary: subsidiaryCode.optional() }),
    responses: { 200: z.object({ missing: z.array(missingTranslationSchema) }) },
    errors: { 404: ['not_found'] },
  }),
  prefill: defineRoute({
    method: 'post',
    path: '/templates/subsidiaries/:code/prefill',
    summary: 'Pre-fill a subsidiary’s missing strings by DeepL; saved as a new version, marked for review',
    description: 'Answers 200 when nothing is missing, 201 with the new version otherwise; 503 when no DeepL key is configured, 502 when DeepL fails.',
    permission: 'templates.edit',
    params: z.strictObject({ code: subsidiaryCode }),
    body: z.strictObject({ locale: locale.optional() }),
    responses: {
      200: z.object({ version: z.number().int(), translated: z.array(z.never()), message: z.string() }),
      201: z.object({ version: z.number().int(), locale: z.string(), translated: z.array(z.object({ key: z.string(), source: z.string(), text: z.string(), needsReview: z.literal(true) })) }),
    },
    errors: { 403: ['forbidden'], 404: ['not_found'], 409: ['conflict'], 422: ['template_invalid'], 502: ['translation_failed'], 503: ['translation_unavailable'] },
  }),
  preview: defineRoute({
    method: 'post',
    path: '/templates/preview',
    summary: 'Render a mail for a subsidiary, language and sample or stored contact, unsaved drafts and older versions included',
    permission: 'templates.read',
    body: previewBody,
    responses: { 200: renderedMail.extend({ warnings: z.array(templateIssueSchema) }) },
    errors: { 404: ['not_found'], 422: ['template_invalid'] },
  }),
  testSend: defineRoute({
    method: 'post',
    path: '/templates/test-send',
    summary: 'Send a rendered mail, marked as a test, through the real SMTP path',
    permission: 'templates.test-send',
    body: previewBody.extend({ to: emailAddress() }),
    responses: { 202: z.object({ messageId: z.string(), to: z.string(), subject: z.string(), locale: z.string(), smtpResponse: z.string() }) },
    errors: { 404: ['not_found'], 409: ['conflict'], 422: ['template_invalid'] },
  }),
  fonts: defineRoute({
    method: 'get',
    path: '/templates/fonts',
    summary: 'The account’s self-hosted web fonts and the CSS URL a design links',
    permission: 'templates.read',
    responses: { 200: z.object({ fonts: z.array(hostedFontSchema) }) },
  }),
  uploadFont: defineRoute({
    method: 'put',
    path: '/templates/fonts/:family',
    summary: 'Upload a font family’s faces (WOFF2 or WOFF, base64; HQ marketers)',
    permission: 'templates.edit',
    params: fontFamilyParams,
    body: z.strictObject({
      /** One entry per face: its weight and style and the file as base64 (woff2 or woff, at most 400 KB). */
      faces: z
        .array(z.strictObject({ weight: z.number().int().min(100).max(900).default(400), style: z.enum(['normal', 'italic']).default('normal'), data: z.base64().max(550_000) }))
        .min(1)
        .max(12),
    }),
    responses: { 201: hostedFontSchema },
    errors: { 403: ['forbidden'] },
  }),
  importDesigns: defineRoute({
    method: 'post',
    path: '/templates/import',
    summary: 'Read designs of other tools (.mjml, or a zip of them): merge tags mapped, checked and previewed; nothing stored',
    permission: 'templates.edit',
    body: z.strictObject({
      files: z
        .array(
          z.strictObject({
            name: z.string().min(1).max(200),
            /** The design as text (.mjml), or */
            mjml: z.string().max(500_000).optional(),
            /** a zip of .mjml files, base64. */
            zip: z.base64().max(1_000_000).optional(),
          }),
        )
        .min(1)
        .max(20),
      /** Tag as written → product variable ("" drops the tag); tags not named take the suggestion. */
      mapping: z.record(z.string(), z.string().regex(/^([A-Za-z_][\w.]*)?$/, 'a variable such as contact.firstName, or "" to drop the tag')).default({}),
      /** The subsidiary and locale the preview is rendered for; the design becomes the body of this locale. */
      subsidiary: subsidiaryCode.transform((code) => code.toUpperCase()).default('DE'),
      locale: z.string().regex(/^[a-z]{2}$/).optional(),
    }),
    responses: { 200: z.object({ variables: z.array(z.string()), designs: z.array(importedDesignSchema) }) },
    errors: { 403: ['forbidden'], 404: ['not_found'] },
  }),
  get: defineRoute({
    method: 'get',
    path: '/templates/:kind/:key',
    summary: 'A template’s newest version and its history',
    permission: 'templates.read',
    params: templateParams,
    responses: { 200: storedVersion.extend({ versions: z.array(versionSummary) }) },
    errors: { 404: ['not_found'] },
  }),
  version: defineRoute({
    method: 'get',
    path: '/templates/:kind/:key/versions/:version',
    summary: 'One stored version of a template',
    permission: 'templates.read',
    params: templateParams.extend({ version: positiveInt }),
    responses: { 200: storedVersion },
    errors: { 404: ['not_found'] },
  }),
  save: defineRoute({
    method: 'put',
    path: '/templates/:kind/:key',
    summary: 'Save a new version (checked: MJML, Liquid, regions); refused if someone saved since baseVersion',
    description: 'Subsidiary marketers save only their own subsidiary’s derived template; HQ marketers everything.',
    permission: 'templates.edit',
    params: templateParams,
    body: z.strictObject({
      /** The template itself, in the shape of its kind (templates/template-set.ts). */
      content: z.unknown(),
      note: z.string().max(500).optional(),
      /** The version the editor started from: the save is refused (409) if someone saved a newer one since. */
      baseVersion: int4().min(0).optional(),
    }),
    responses: {
      201: z.object({
        kind: z.enum(TEMPLATE_KINDS),
        key: z.string(),
        version: z.number().int(),
        id: z.string(),
        createdAt: timestamp,
        url: z.string(),
        /** Saved, but unknown variables and fonts that will not load, with positions. */
        warnings: z.array(templateIssueSchema),
      }),
    },
    errors: { 403: ['forbidden'], 409: ['conflict'], 422: ['template_invalid'] },
  }),
}
