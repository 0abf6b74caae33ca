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
      comment: 'Files of two folders that import each other, directly or round a loop, even by type only: one of them is in the wrong place. The engine declares the activities it calls (engine/nodes/step-activities.ts, engine/workflows/activity-types.ts), so workflows no longer name types from activities/.',
      severity: 'error',
      from: { path: '^([^/]+)/' },
      to: { circular: true, pathNot: '^$1/' },
    },
    {
      name: 'no-circle-in-the-core',
      comment: 'No loop at all, not even inside one folder, in the layers below the UI and the renderer: data layer, engine, activities, API, people, tracking, composition. (templates/ and designer/src/ still have loops of their own: see the closing note of issue 13.)',
      severity: 'error',
      from: { path: '^(db|engine|activities|api|people|tracking|server)/' },
      to: { circular: true },
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
      to: { path: '^(api|engine|activities|db|server|templates|tracking|reporting|crm|people)/', pathNot: '^(api/contract/|api/input-schemas|engine/nodes/|engine/events/catalogue|engine/campaign/|engine/segment-filter|engine/personas|engine/scoring/model|reporting/kpis|reporting/csv-values|templates/design-sections)', dependencyTypesNot: ['type-only'] },
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
