import { PERMISSIONS, ROLES, roleMay, type Permission } from './permissions'
import { ROUTE_PERMISSIONS } from './route-permissions'

// docs/permissions.md, written from the table itself (`npx tsx api/permissions-doc.ts > docs/permissions.md`);
// a unit test fails when the file and the table disagree, so the document cannot drift.

const ROLE_NAMES: Record<(typeof ROLES)[number], string> = {
  admin: 'admin',
  hq_marketer: 'HQ marketer',
  subsidiary_marketer: 'subsidiary marketer',
  sales_manager: 'sales manager',
  sales_rep: 'sales rep',
  viewer: 'viewer',
}

export function permissionsMarkdown(): string {
  const permissions = Object.keys(PERMISSIONS) as Permission[]
  const lines = [
    '# Permissions',
    '',
    'Generated from `api/permissions.ts` (the one table every API route asks) by `npx tsx api/permissions-doc.ts > docs/permissions.md`;',
    '`test/unit/permissions.test.ts` fails when this file is out of date, and `test/integration/permissions.integration.test.ts`',
    'calls every route of the app as every role and expects exactly these answers (a refusal is `403` with `error.permission`).',
    '',
    'The table decides what a role may do at all. Within it, every route narrows to the caller\'s scope: HQ people (admin,',
    'HQ marketer) see every subsidiary until they switch into a workspace; everyone else sees their subsidiaries\' workspace,',
    'whose pool alias decides which contacts they see (Postgres row-level security holds the same line, see',
    '[workspaces](workspaces.md)); sales reps see only the leads and handovers routed to them. API keys carry a role and',
    'subsidiaries like a user.',
    '',
    '## Roles × permissions',
    '',
    `| permission | what | ${ROLES.map((role) => ROLE_NAMES[role]).join(' | ')} |`,
    `| --- | --- | ${ROLES.map(() => ':---:').join(' | ')} |`,
    ...permissions.map((p) => `| \`${p}\` | ${PERMISSIONS[p].what} | ${ROLES.map((role) => (roleMay(role, p) ? '✓' : '')).join(' | ')} |`),
    '',
    '## Routes',
    '',
    'Under `/api`. Without a caller: `GET /api/health`, `POST /api/session` (sign in), `POST /api/password-reset`,',
    '`GET|POST /api/password-reset/:token`, `GET|POST /api/invitations/:token`.',
    '',
    '| route | permission |',
    '| --- | --- |',
    ...Object.entries(ROUTE_PERMISSIONS).map(([route, p]) => `| \`${route}\` | \`${p}\` |`),
    '',
  ]
  return lines.join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(permissionsMarkdown())
