import { hostname, userInfo } from 'node:os'

/** Who runs plumbline and where: recorded on every tracking row and audit event. */
export interface Actor {
  readonly user: string
  readonly host: string
  readonly pid: number
}

/** The current process as an actor. */
export function currentActor(): Actor {
  let user = process.env.USER ?? process.env.USERNAME ?? 'unknown'
  try {
    user = userInfo().username
  } catch {
    // No passwd entry (some containers): the environment's name will do.
  }
  return Object.freeze({ user, host: hostname(), pid: process.pid })
}

/** `user@host`, as stored in `applied_by`. */
export function actorName(actor: Actor): string {
  return `${actor.user}@${actor.host}`
}
