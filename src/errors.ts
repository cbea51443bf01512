/** A problem with what the user asked ("no incident with id …"): shown to them as is. */
export class UserError extends Error {
  override readonly name = 'UserError';
}
