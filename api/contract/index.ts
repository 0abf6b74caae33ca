import { campaigns } from './campaigns'
import { contacts } from './contacts'
import { enrolments } from './enrolments'
import type { ContractAreas } from './openapi'
import { simulation } from './simulation'
import { system } from './system'

/** Every API area's contract: what /api/openapi.json describes. A new area adds one line here. */
export const API_CONTRACT = {
  system,
  campaigns,
  enrolments,
  contacts,
  simulation,
} satisfies ContractAreas
