/**
 * @module server/server-users
 * The password users both protocols authenticate. A user with an empty password is refused when
 * the server starts: an empty password would make an empty bearer token or `Basic alice` a valid
 * login, which is no authentication at all while it counts as configured authentication.
 */
import { EddyError, SqlState } from '../common/errors.ts';

export interface ServerUser {
  readonly name: string;
  readonly password: string;
}

/** Throws 28000 for a user without a name or without a password (names the user, never a password). */
export function checkUsers(users: readonly ServerUser[] | undefined): void {
  for (const user of users ?? []) {
    if (user.name === '') {
      throw new EddyError({
        code: SqlState.invalidAuthorizationSpecification,
        message: 'a configured user has an empty name',
        hint: 'Give every user as NAME:PASSWORD with a non-empty name.',
      });
    }
    if (user.password === '') {
      throw new EddyError({
        code: SqlState.invalidAuthorizationSpecification,
        message: `user "${user.name}" has an empty password`,
        hint: 'Give every user a non-empty password (NAME:PASSWORD); an empty one would let anyone in.',
      });
    }
  }
}
