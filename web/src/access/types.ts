// Types of the accounts API: sign-in and user management (docs/openapi.json). Times are epoch milliseconds.
import type { Me, Role } from '../shared/types.ts';

export interface LoginResponse {
  user: Me;
  csrfToken: string;
}

/** What an administrator may change of an account. */
export interface UserPatch {
  displayName?: string;
  role?: Role;
  areaCode?: string;
  disabled?: boolean;
  unlock?: true;
}

/** A user as user management lists it: the Me fields plus the account's state. */
export interface UserView {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  areaId: string;
  areaCode: string;
  areaName: string;
  areaPath: string;
  disabled: boolean;
  failedLogins: number;
  lockedUntil: string | null;
  createdAt: string;
  updatedAt: string;
  /** An administrator set the password; the user must choose their own at the next sign-in. */
  mustChangePassword: boolean;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  areaCode: string;
  password?: string;
}

export interface CreatedUser {
  user: UserView;
  /** The generated password, shown once; null when the administrator chose it. */
  password: string | null;
}
