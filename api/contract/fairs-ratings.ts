// The booth app's ratings, in a file of their own so the app imports them without zod.
export const RATINGS = ['hot', 'warm', 'cold'] as const
