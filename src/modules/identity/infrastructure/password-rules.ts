import { Injectable } from '@nestjs/common';
import { ValidationError } from '@shared-kernel';
import { passwordWeakness, WEAKNESS_MESSAGES } from '../domain/password-policy';
// The 10,000 most common passwords of the zxcvbn-ts common dictionary (MIT licence,
// @zxcvbn-ts/language-common 4.1.3; see docs/adr/0009), lower-cased, at least 4 characters.
import COMMON from './common-passwords.json';

const common = new Set<string>(COMMON);

/** The password policy with the bundled common/breached password list. */
@Injectable()
export class PasswordRules {
  /** Throws 400 PASSWORD_TOO_WEAK naming `field` when the password breaks the policy. */
  assertAcceptable(password: string, personal: readonly string[], field = 'password'): void {
    const weakness = passwordWeakness(password, (candidate) => common.has(candidate), personal);
    if (weakness) {
      throw new ValidationError(
        'The password does not meet the password policy',
        [{ field, message: WEAKNESS_MESSAGES[weakness], code: weakness }],
        'PASSWORD_TOO_WEAK',
      );
    }
  }
}
