import type { NextFunction, Request, Response } from 'express'
import { API_CONTRACT } from './contract'
import { send } from './errors'
import { PERMISSIONS, roleMay, type Permission } from './permissions'

// Which permission each API route asks, from the one place each route is declared: its contract
// (api/contract/). The gate below runs in front of every authenticated route.

function contractRoutes(): Record<string, Permission> {
  const routes: Record<string, Permission> = {}
  for (const area of Object.values(API_CONTRACT)) {
    for (const route of Object.values(area) as { method: string; path: string; permission: Permission | 'public' }[]) {
      if (route.permission !== 'public') routes[`${route.method.toUpperCase()} ${route.path}`] = route.permission
    }
  }
  return routes
}

/** Every authenticated route, "METHOD /path" under /api → permission. */
export const ROUTE_PERMISSIONS: Record<string, Permission> = contractRoutes()

// Literal segments beat parameters ("/leads/matrix" before "/leads/:contactId"), as express's
// registration order does for these routes.
const compiled = Object.entries(ROUTE_PERMISSIONS)
  .map(([route, permission]) => {
    const [method, path] = route.split(' ') as [string, string]
    // ":name" is one segment, "*name" the rest of the path (express 5's wildcard).
    const pattern = new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/:[A-Za-z]+/g, '[^/]+').replace(/\*[A-Za-z]+/g, '.+')}/?$`)
    return { method, pattern, permission, params: (path.match(/:/g) ?? []).length }
  })
  .sort((a, b) => a.params - b.params || Number(a.method === 'ALL') - Number(b.method === 'ALL'))

/** The permission a request under /api asks, or null when no route of the table matches. */
export function permissionFor(method: string, path: string): Permission | null {
  const verb = method === 'HEAD' ? 'GET' : method
  return compiled.find((route) => (route.method === verb || route.method === 'ALL') && route.pattern.test(path))?.permission ?? null
}

/**
 * The gate in front of every authenticated API route. Deny by default: a path the table does not know
 * is answered 404 like a missing route. A refusal names the permission the role lacks.
 */
export function requirePermission() {
  return (req: Request, res: Response, next: NextFunction) => {
    const permission = permissionFor(req.method, req.path)
    if (!permission) return send(res, { status: 404, code: 'not_found', message: 'no such API route' })
    const role = req.caller?.role
    if (!role || !roleMay(role, permission)) {
      return send(res, { status: 403, code: 'forbidden', permission, message: `your role (${role}) may not ${PERMISSIONS[permission].what} (${permission})` })
    }
    next()
  }
}
