// The layering, written as rules: `npm run lint:imports` (dependency-cruiser), run in CI by `npm run lint`.
// Folders from the bottom up: db/ (tables) < engine/ (campaign domain, workflows) < activities/ (side
// effects of workflows) < api/ (HTTP) < server/ (composition: wiring everything together). A lower layer
// never imports a higher one at runtime; type-only imports vanish at build time and are allowed where
// noted (a workflow names its activities' types, as Temporal's samples do).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'engine-not-on-activities',
      comment: 'The engine declares what it needs (engine/nodes); activities implement it. A runtime import back is the old engine ⇄ activities loop.',
      severity: 'error',
      from: { path: '^engine/' },
      to: { path: '^activities/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-circle-across-folders',
      comment: 'Files of two folders that import each other at runtime (directly or round a loop): one of them is in the wrong place. Loops closed only by type imports (a workflow naming its activities’ types) are listed by `npm run lint:imports -- --output-type text` but not refused yet: the activity interfaces still live beside their implementations.',
      severity: 'error',
      from: { path: '^([^/]+)/' },
      to: { circular: true, pathNot: '^$1/', viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'db-is-the-bottom',
      comment: 'The data layer answers queries; it knows nothing of HTTP, workflows or composition.',
      severity: 'error',
      from: { path: '^db/' },
      // Pure domain schemas (a campaign graph's validation, a segment filter) are not layers: allowed.
      to: { path: '^(api|engine|activities|server|designer)/', pathNot: '^engine/(campaign|segment-filter|nodes|personas|scoring/model)', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'below-the-api',
      comment: 'Engine, activities, templates and tracking do not depend on the HTTP layer or the composition root.',
      severity: 'error',
      from: { path: '^(engine|activities|templates|tracking|reporting|crm|people|mailings|fairs)/' },
      to: { path: '^(api|server)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'api-below-server',
      comment: 'Routes get their dependencies passed in (api/app.ts AppDeps); only server/ composes.',
      severity: 'error',
      from: { path: '^api/' },
      to: { path: '^server/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'designer-takes-types-only',
      comment: 'The browser bundle takes shapes from the server (the API contract) as types; runtime code only from its own folder and pure schema modules.',
      severity: 'error',
      from: { path: '^designer/src/', pathNot: '\\.test\\.tsx?$' },
      to: { path: '^(api|engine|activities|db|server|templates|tracking|reporting|crm|people)/', pathNot: '^(api/contract/|api/input-schemas|engine/nodes/|engine/campaign/|engine/segment-filter|engine/personas|engine/scoring/model|reporting/kpis|templates/design-sections)', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|designer/dist|test|bench|tools)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] },
  },
}
