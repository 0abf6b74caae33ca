import { campaigns } from './campaigns'
import { consent } from './consent'
import { contactData } from './contact-data'
import { costs, opportunities } from './costs'
import { contacts } from './contacts'
import { crm } from './crm'
import { enrolmentRequests } from './enrolment-requests'
import { enrolments } from './enrolments'
import type { ContractAreas } from './openapi'
import { events } from './events'
import { fairs } from './fairs'
import { forms } from './forms'
import { handovers } from './handovers'
import { leads } from './leads'
import { mailings } from './mailings'
import { admin, people } from './people'
import { personas } from './personas'
import { reports } from './reports'
import { scoring } from './scoring'
import { segments } from './segments'
import { simulation } from './simulation'
import { system } from './system'
import { templates } from './templates'

/** Every API area's contract: what /api/openapi.json describes. A new area adds one line here. */
export const API_CONTRACT = {
  system,
  people,
  admin,
  events,
  campaigns,
  enrolments,
  enrolmentRequests,
  contacts,
  simulation,
  segments,
  personas,
  scoring,
  leads,
  handovers,
  consent,
  forms,
  mailings,
  reports,
  costs,
  opportunities,
  contactData,
  crm,
  templates,
  fairs,
} satisfies ContractAreas
