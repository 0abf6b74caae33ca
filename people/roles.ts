// The six roles (issue 14), here below the API and the data layer that both name them; what each may do is
// the permission table (api/permissions.ts).

export const ROLES = ['admin', 'hq_marketer', 'subsidiary_marketer', 'sales_manager', 'sales_rep', 'viewer'] as const
export type Role = (typeof ROLES)[number]

/** Roles that may work for every subsidiary (HQ people); the others are given theirs. */
export const HQ_ROLES: readonly Role[] = ['admin', 'hq_marketer']
