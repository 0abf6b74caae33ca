export { freePort } from '../../server/temporal-dev-server'
