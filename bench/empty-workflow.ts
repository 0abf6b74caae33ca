/**
 * The raw baseline of the enrolment benchmark: a workflow that returns at once, so what it costs is
 * Temporal's own work (start, one workflow task, completion). Bundled on its own, without the product's code.
 */
export async function benchEmptyWorkflow(): Promise<void> {}
