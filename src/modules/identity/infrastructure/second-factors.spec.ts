import { Secret } from 'otpauth';
import { acceptedStep, totpFor } from './second-factors';

describe('TOTP acceptance', () => {
  const secret = new Secret({ size: 20 }).base32;
  const now = 1_763_900_000_000;
  const code = (at: number) => totpFor(secret, 'x').generate({ timestamp: at });
  const step = Math.floor(now / 30_000);

  it('accepts the current code and one step of drift either way, reporting the step', () => {
    expect(acceptedStep(secret, code(now), now)).toBe(step);
    expect(acceptedStep(secret, code(now - 30_000), now)).toBe(step - 1);
    expect(acceptedStep(secret, code(now + 30_000), now)).toBe(step + 1);
  });

  it('refuses codes further away and anything that is not six digits', () => {
    expect(acceptedStep(secret, code(now - 90_000), now)).toBeNull();
    expect(acceptedStep(secret, '12345', now)).toBeNull();
    expect(acceptedStep(secret, 'abcdef', now)).toBeNull();
  });
});
