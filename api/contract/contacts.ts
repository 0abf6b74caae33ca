import { z } from 'zod'
import { defineRoute } from './route'

// A contacts lookup for pickers (api/contacts.ts): search by e-mail, name or company, only among the
// subsidiaries the caller may see.

export const contactSummarySchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string().nullable(),
  company: z.string().nullable(),
  subsidiary: z.string(),
  tags: z.array(z.string()),
})

export const contacts = {
  search: defineRoute({
    method: 'get',
    path: '/contacts',
    summary: 'Contacts whose e-mail, name or company contains the search, by e-mail, within your subsidiaries',
    permission: 'contacts.read',
    query: z.strictObject({
      search: z.string().trim().max(200, 'at most 200 characters').default(''),
      limit: z.coerce.number('a whole number from 1 to 100').int('a whole number from 1 to 100').min(1, 'at least 1').max(100, 'at most 100').default(20),
    }),
    responses: { 200: z.object({ contacts: z.array(contactSummarySchema) }) },
  }),
}
