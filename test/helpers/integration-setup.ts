import { installWorkerRuntime } from '../../server/campaign-worker'

// Each integration test file runs in its own process: set the Temporal runtime's log level before any worker starts.
installWorkerRuntime('WARN')
