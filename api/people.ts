import { json, Router, type Request, type Response } from 'express'
import type { Transporter } from 'nodemailer'
import type { Sql } from 'postgres'
import { z } from 'zod'
import type { TokenSigner } from '../tracking/tokens'
import { recordAudit } from '../db/audit'
import { createSession, revokeSession, revokeUserSessions } from '../db/sessions'
import {
  clearFailedSignIns,
  clientThrottledUntil,
  createUserLink,
  recordFailedSignIn,
  recordSignInAttempt,
  setPassword,
  usableUserLink,
  useUserLink,
  userByEmail,
  type LockoutPolicy,
  type UserLinkRow,
  type UserRow,
} from '../db/users'
import { INVITATION_MAIL, linkMail, RESET_MAIL } from '../people/mail-texts'
import { hashPassword, passwordProblem, randomToken, sha256, verifyPassword } from '../people/secrets'
import type { PeopleConfig } from '../server/config'
import { authorsCampaigns, CSRF_COOKIE, SESSION_COOKIE, sessionCaller, type Caller } from './auth'
import { PERMISSIONS, roleMay, type Permission } from './permissions'
import { route } from './contract/mount'
import { people } from './contract/people'
import type { ApiError } from './errors'

// Signing in and out, and the two mailed links (invitation, password reset). These routes answer
// without a caller; everything else under /api needs one (api/auth.ts).

export const DEFAULT_PEOPLE_CONFIG: PeopleConfig = {
  sessionIdleMs: 2 * 3_600_000,
  sessionMaxMs: 12 * 3_600_000,
  maxFailedSignIns: 5,
  lockMs: 15 * 60_000,
  invitationValidMs: 7 * 86_400_000,
  resetValidMs: 3_600_000,
}

export interface PeopleDeps {
  sql: Sql
  tokens: TokenSigner
  mailer?: Transporter
  publicUrl?: string
  people?: PeopleConfig
  /** From address of invitation and reset mails. */
  mailFrom?: string
}


const lockout = (config: PeopleConfig): LockoutPolicy => ({ maxFailures: config.maxFailedSignIns, lockMs: config.lockMs, maxFailuresPerClient: config.maxFailedSignIns * 4, windowMs: config.lockMs })

/** Secure cookies everywhere except plain http on this machine (npm start), where browsers would drop them. */
export function cookieIsSecure(req: Request): boolean {
  return !(req.protocol === 'http' && ['localhost', '127.0.0.1', '[::1]', '::1'].includes(req.hostname))
}

export function setSessionCookies(req: Request, res: Response, token: string, csrf: string, maxAgeMs: number): void {
  const secure = cookieIsSecure(req) ? '; Secure' : ''
  const maxAge = Math.floor(maxAgeMs / 1000)
  res.append('Set-Cookie', `${SESSION_COOKIE}=${token}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure}`)
  // Readable by the page: it echoes the value in X-CSRF-Token on writes (another site cannot read it).
  res.append('Set-Cookie', `${CSRF_COOKIE}=${csrf}; Path=/; Max-Age=${maxAge}; SameSite=Lax${secure}`)
}

export function clearSessionCookies(req: Request, res: Response): void {
  const secure = cookieIsSecure(req) ? '; Secure' : ''
  res.append('Set-Cookie', `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure}`)
  res.append('Set-Cookie', `${CSRF_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax${secure}`)
}

/** What the designer shows about the caller (GET /api/me and the sign-in answer). */
export function describeCaller(who: Caller) {
  return {
    user: who.sub,
    name: who.name,
    role: who.role,
    subsidiaries: who.subs,
    workspace: who.workspace,
    via: who.via,
    locale: who.locale,
    expiresAt: who.exp === null ? null : new Date(who.exp * 1000),
    mayAuthorCampaigns: authorsCampaigns(who),
    /** Every permission of the role (api/permissions.ts), so the UI shows only controls that will work. */
    permissions: (Object.keys(PERMISSIONS) as Permission[]).filter((permission) => roleMay(who.role, permission)),
  }
}

/** Starts a session for the user: cookies set, sign-in audited. */
export async function startSession(deps: PeopleDeps, req: Request, res: Response, user: UserRow, how: string) {
  const config = deps.people ?? DEFAULT_PEOPLE_CONFIG
  const token = randomToken()
  const csrf = randomToken()
  const session = await createSession(
    deps.sql,
    { tokenHash: sha256(token), userId: user.id, accountId: user.account_id, csrfToken: csrf, workspace: null, userAgent: req.header('user-agent') ?? null, ip: req.ip ?? null },
    { idleMs: config.sessionIdleMs, absoluteMs: config.sessionMaxMs },
  )
  setSessionCookies(req, res, token, csrf, config.sessionMaxMs)
  const who = sessionCaller(user, session, config.sessionIdleMs)
  await recordAudit(deps.sql, { accountId: user.account_id, actor: user.email, actorName: user.name, action: 'session.sign_in', details: { how }, ip: req.ip })
  return { ...describeCaller(who), csrfToken: csrf }
}

/** Mails a signed, expiring, single-use link through the product's SMTP transport. */
export async function mailUserLink(deps: PeopleDeps, req: Request, user: UserRow, purpose: UserLinkRow['purpose'], by: { email: string; name: string | null }) {
  const config = deps.people ?? DEFAULT_PEOPLE_CONFIG
  const link = await createUserLink(deps.sql, user.id, purpose, purpose === 'invitation' ? config.invitationValidMs : config.resetValidMs, by.email)
  const token = deps.tokens.sign(purpose, { l: link.id, exp: Math.floor(link.expires_at.getTime() / 1000) })
  const base = deps.publicUrl ?? `${req.protocol}://${req.get('host')}`
  // The token rides in the fragment: it never reaches a server log or a Referer header.
  const url = `${base}/?view=${purpose === 'invitation' ? 'invitation' : 'reset'}#link=${token}`
  const mail = linkMail(purpose === 'invitation' ? INVITATION_MAIL : RESET_MAIL, user.locale, { name: user.name, inviter: by.name ?? by.email, link: url, validUntil: link.expires_at })
  if (!deps.mailer) throw new Error('no mail transport: invitation and reset mails cannot be sent')
  await deps.mailer.sendMail({ from: deps.mailFrom ?? 'Kessler Campaigns <no-reply@kessler-hydraulik.example>', to: user.email, subject: mail.subject, text: mail.text })
  return { link, url }
}

/** The link the signed token names, if the signature holds and it is unused and unexpired. */
async function linkFromToken(deps: PeopleDeps, purpose: UserLinkRow['purpose'], token: string): Promise<{ link: UserLinkRow; user: UserRow } | null> {
  const payload = deps.tokens.verify<{ l: string; exp: number }>(purpose, token)
  if (!payload || typeof payload.l !== 'string' || payload.exp * 1000 < Date.now() || !z.uuid().safeParse(payload.l).success) return null
  const link = await usableUserLink(deps.sql, payload.l, purpose)
  if (!link) return null
  const [user] = await deps.sql<UserRow[]>`select * from users where id = ${link.user_id}`
  return user && user.status !== 'disabled' ? { link, user } : null
}

const LINK_GONE: ApiError = { status: 410, code: 'link_invalid', field: 'link', message: 'link: this link is invalid, used or expired; ask for a new one' }

export function peopleRoutes(deps: PeopleDeps): Router {
  const { sql } = deps
  const config = deps.people ?? DEFAULT_PEOPLE_CONFIG
  const router = Router()
  // Parsed per route: this router sits in front of the whole /api path, whose other bodies have their own limits.
  const body = { use: [json({ limit: '16kb' })] }

  route(router, people.signIn, async ({ body: { email: address, password }, req, res }) => {
    const policy = lockout(config)
    const throttled = await clientThrottledUntil(sql, req.ip ?? null, policy)
    if (throttled) {
      return { status: 429, code: 'throttled', retryAt: throttled.toISOString(), message: `too many failed sign-ins from your network; try again after ${throttled.toISOString().slice(11, 16)} UTC` }
    }
    const user = await userByEmail(sql, address)
    if (user?.locked_until && user.locked_until > new Date()) {
      await recordSignInAttempt(sql, address, req.ip ?? null, false)
      await recordAudit(sql, { accountId: user.account_id, actor: address, action: 'session.refused_locked', ip: req.ip })
      return lockedAnswer(user.locked_until)
    }
    const ok = await verifyPassword(password, user?.password_hash ?? null)
    if (!user || !ok || user.status !== 'active') {
      await recordSignInAttempt(sql, address, req.ip ?? null, false)
      const locked = user && !ok ? await recordFailedSignIn(sql, user.id, policy) : null
      await recordAudit(sql, { accountId: user?.account_id ?? null, actor: address, action: locked ? 'session.locked' : 'session.sign_in_failed', ip: req.ip })
      if (locked) return lockedAnswer(locked)
      if (user && ok && user.status === 'disabled') return { status: 403, code: 'disabled', field: 'email', message: 'email: this user has been disabled; ask an admin' }
      if (user && ok && user.status === 'invited') return { status: 403, code: 'invitation_pending', field: 'email', message: 'email: accept the invitation mail first (it sets your password)' }
      return { status: 401, code: 'wrong_credentials', field: 'password', message: 'e-mail or password is wrong' }
    }
    await recordSignInAttempt(sql, address, req.ip ?? null, true)
    await clearFailedSignIns(sql, user.id)
    return { status: 200, body: await startSession(deps, req, res, user, 'password') }
  }, body)

  route(router, people.requestReset, async ({ body: { email: address }, req }) => {
    const user = await userByEmail(sql, address)
    // The same answer whether the address exists or not: this route must not tell who has an account.
    if (user && user.status === 'active') {
      await mailUserLink(deps, req, user, 'password_reset', { email: user.email, name: user.name })
      await recordAudit(sql, { accountId: user.account_id, actor: user.email, actorName: user.name, action: 'password.reset_requested', ip: req.ip })
    }
    return { status: 202, body: { sent: true as const } }
  }, body)

  for (const purpose of ['password_reset', 'invitation'] as const) {
    const [read, use] = purpose === 'invitation' ? [people.invitation, people.acceptInvitation] : [people.resetLink, people.reset]
    route(router, read, async ({ params }) => {
      const found = await linkFromToken(deps, purpose, params.token)
      if (!found) return LINK_GONE
      return { status: 200, body: { email: found.user.email, name: found.user.name, locale: found.user.locale, expiresAt: found.link.expires_at } }
    })
    route(router, use, async ({ params, body: change, req, res }) => {
      const problem = passwordProblem(change.password)
      if (problem) return { status: 400, code: 'invalid_input', field: 'password', message: `password: ${problem}` }
      const found = await linkFromToken(deps, purpose, params.token)
      if (!found || !(await useUserLink(sql, found.link.id))) return LINK_GONE
      const { user } = found
      await setPassword(sql, user.id, await hashPassword(change.password), purpose === 'invitation' ? change.name : undefined)
      // A new password ends every session the old one opened.
      await revokeUserSessions(sql, user.id)
      await recordAudit(sql, { accountId: user.account_id, actor: user.email, actorName: user.name, action: purpose === 'invitation' ? 'invitation.accepted' : 'password.reset', ip: req.ip })
      const fresh = (await userByEmail(sql, user.email))!
      return { status: 200, body: await startSession(deps, req, res, fresh, purpose) }
    }, body)
  }
  return router
}

const lockedAnswer = (until: Date): ApiError => ({
  status: 423,
  code: 'locked',
  field: 'email',
  retryAt: until.toISOString(),
  message: `too many failed sign-ins: this address is locked until ${until.toISOString().slice(11, 16)} UTC; try again then, or reset your password`,
})

/** Sign out here, or everywhere (every session of the user). */
export async function signOut(sql: Sql, req: Request, res: Response, who: Caller, everywhere: boolean) {
  if (who.via !== 'session' || !who.userId) return { status: 400, code: 'not_a_session', message: 'API keys do not sign out; an admin revokes them' } satisfies ApiError
  const ended = everywhere ? await revokeUserSessions(sql, who.userId) : (await revokeSession(sql, who.session!), 1)
  await recordAudit(sql, { accountId: who.acc, actor: who.sub, actorName: who.name, workspace: who.workspace, action: everywhere ? 'session.sign_out_everywhere' : 'session.sign_out', details: { sessions: ended }, ip: req.ip })
  clearSessionCookies(req, res)
  return { status: 200 as const, body: { signedOut: ended } }
}
