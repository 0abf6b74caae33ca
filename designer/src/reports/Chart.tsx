import { BarChart, FunnelChart, LineChart } from 'echarts/charts'
import { DatasetComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { init, use, type EChartsCoreOption, type ECharts } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { memo, useEffect, useRef } from 'react'

// Apache ECharts on canvas: draws thousands of points per series without a DOM node each (progressive
// rendering, large mode), and only the chart types used here are bundled (tree-shaken imports).
use([BarChart, LineChart, FunnelChart, GridComponent, TooltipComponent, LegendComponent, DatasetComponent, CanvasRenderer])

export const Chart = memo(function Chart({ option, height = 280, label, onClick }: { option: EChartsCoreOption; height?: number; label: string; onClick?: (params: { name: string; seriesName?: string; dataIndex: number }) => void }) {
  const element = useRef<HTMLDivElement>(null)
  const chart = useRef<ECharts | null>(null)
  useEffect(() => {
    chart.current = init(element.current!, undefined, { renderer: 'canvas' })
    const resize = () => chart.current?.resize()
    window.addEventListener('resize', resize)
    return () => {
      window.removeEventListener('resize', resize)
      chart.current?.dispose()
    }
  }, [])
  useEffect(() => {
    chart.current?.setOption({ animation: false, ...option }, true)
  }, [option])
  useEffect(() => {
    if (!onClick) return
    const handler = (params: unknown) => onClick(params as { name: string; seriesName?: string; dataIndex: number })
    chart.current?.on('click', handler)
    return () => void chart.current?.off('click', handler)
  }, [onClick])
  return <div ref={element} className="chart" role="img" aria-label={label} style={{ height }} />
})
