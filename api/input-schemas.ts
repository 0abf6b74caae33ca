import { z } from 'zod'

// Input schemas shared by the routes and the API contract (api/contract/*.ts): zod only, no server code.

// Postgres int4, the type of every version and count column the API takes: beyond it the database
// refuses the query, so the schema refuses the value first.
export const INT4_MAX = 2_147_483_647

/** A whole number that fits Postgres int4 (message for the field it is used on). */
export const int4 = () => z.number().int().min(-INT4_MAX - 1).max(INT4_MAX, `at most ${INT4_MAX}`)
/** The same for path and query parameters, which arrive as text. */
export const int4Param = () => z.coerce.number().int().min(-INT4_MAX - 1).max(INT4_MAX, `at most ${INT4_MAX}`)

/**
 * An e-mail address within RFC 5321's limits (local part at most 64 octets, the whole at most 254), so an
 * address the schema accepts is one an SMTP server accepts too.
 */
export const emailAddress = (message = 'must be an e-mail address') =>
  z
    .email(message)
    .max(254, 'at most 254 characters (RFC 5321)')
    .refine((address) => Buffer.byteLength(address.slice(0, address.lastIndexOf('@'))) <= 64, 'the part before the @ is at most 64 characters (RFC 5321)')
