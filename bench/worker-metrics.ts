// The Temporal SDK's own figures for the in-process worker (served for Prometheus where
// TEMPORAL_METRICS_ADDRESS points, server/campaign-worker.ts installWorkerRuntime), read before and after a
// phase: of a workflow task's time between "started" and "completed" in its history, how much the worker
// held it (core's execution latency: from the poll's answer to the completion sent) and how long tasks
// waited for the worker's poll (schedule-to-start, the server's queue).

export interface WorkflowTaskFigures {
  /** Workflow tasks completed by the worker in the phase. */
  tasks: number
  /** Mean from the poll's answer to the completion sent, ms. */
  executionMeanMs: number
  /** Mean from the task scheduled to its poll's answer, ms. */
  scheduleToStartMeanMs: number
}

interface Totals {
  executionSum: number
  executionCount: number
  waitSum: number
  waitCount: number
}

async function readTotals(url: string, taskQueue: string): Promise<Totals> {
  const text = await (await fetch(url)).text()
  const totals: Totals = { executionSum: 0, executionCount: 0, waitSum: 0, waitCount: 0 }
  for (const line of text.split('\n')) {
    if (!line.includes(`task_queue="${taskQueue}"`)) continue
    const value = Number(line.slice(line.lastIndexOf(' ') + 1))
    if (line.startsWith('temporal_workflow_task_execution_latency_sum{')) totals.executionSum += value
    else if (line.startsWith('temporal_workflow_task_execution_latency_count{')) totals.executionCount += value
    else if (line.startsWith('temporal_workflow_task_schedule_to_start_latency_sum{')) totals.waitSum += value
    else if (line.startsWith('temporal_workflow_task_schedule_to_start_latency_count{')) totals.waitCount += value
  }
  return totals
}

/** Starts reading; `stop()` gives the figures of the workflow tasks on the task queue since. */
export async function workflowTaskFigures(url: string, taskQueue: string): Promise<{ stop(): Promise<WorkflowTaskFigures> }> {
  const before = await readTotals(url, taskQueue)
  return {
    async stop() {
      const after = await readTotals(url, taskQueue)
      const mean = (sum: number, count: number) => (count > 0 ? sum / count : NaN)
      return {
        tasks: after.executionCount - before.executionCount,
        executionMeanMs: mean(after.executionSum - before.executionSum, after.executionCount - before.executionCount),
        scheduleToStartMeanMs: mean(after.waitSum - before.waitSum, after.waitCount - before.waitCount),
      }
    },
  }
}
