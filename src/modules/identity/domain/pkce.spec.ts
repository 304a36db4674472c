import { pkceMatches } from './pkce';

describe('PKCE S256', () => {
  // The example of RFC 7636 appendix B.
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

  it('accepts the verifier of the challenge', () => expect(pkceMatches(verifier, challenge)).toBe(true));
  it('rejects another verifier', () => expect(pkceMatches(verifier.replace('d', 'e'), challenge)).toBe(false));
  it('rejects the challenge itself used as verifier (no plain method)', () => expect(pkceMatches(challenge, challenge)).toBe(false));
  it('rejects malformed verifiers', () => expect(pkceMatches('short', challenge)).toBe(false));
});
