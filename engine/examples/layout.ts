import type { CampaignEdge } from '../campaign/graph'

// The example campaigns are laid out on a grid so the designer shows them readably: the main path runs
// top to bottom, branches stand side by side. Steps are up to 300 px wide, hence 320 px between columns.

/** Canvas position of a step in column `column` (0 = leftmost) and row `row` (0 = top). */
export const at = (column: number, row: number) => ({ x: column * 320, y: row * 140 })

/** The edge leaving `source` through its output `output` (each output has exactly one edge, so the id is unique). */
export const edge = (source: string, output: string, target: string): CampaignEdge => ({
  id: `e-${source}-${output}`,
  source,
  sourceHandle: output,
  target,
})
