import fc from 'fast-check';
import { canonicalEmail, emailLookupForm, legacyEmailLookupForm } from './email-address';

const composed = 'jos\u00e9@example.com';
const decomposed = 'jose\u0301@example.com';

describe('e-mail address forms', () => {
  it('stores the NFC form, trimmed, with its case', () => {
    expect(canonicalEmail(`  ${decomposed} `)).toBe(composed);
    expect(canonicalEmail('José@Example.com')).toBe('José@Example.com');
  });

  it('looks composed, decomposed, upper and lower case up as one address', () => {
    const forms = [composed, decomposed, 'JOSÉ@EXAMPLE.COM', 'JOSE\u0301@Example.COM', ` ${composed}\t`];
    expect(new Set(forms.map(emailLookupForm))).toEqual(new Set([composed]));
  });

  it('folds case as Unicode case folding does, not as toLowerCase()', () => {
    expect(emailLookupForm('ΟΔΥΣΣΕΥΣ@example.gr')).toBe(emailLookupForm('οδυσσευς@example.gr'));
    expect(emailLookupForm('\u00b5@example.com')).toBe(emailLookupForm('\u03bc@example.com'));
    expect(emailLookupForm('stra\u00dfe@example.de')).not.toBe(emailLookupForm('strasse@example.de'));
  });

  it('is idempotent and ignores the normal form it is given', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constantFrom<'NFC' | 'NFD'>('NFC', 'NFD'), (text, form) => {
        const key = emailLookupForm(text);
        expect(emailLookupForm(key)).toBe(key);
        expect(emailLookupForm(text.normalize(form))).toBe(key);
      }),
    );
  });

  it('gives ASCII addresses the lookup form they always had, so their blind indexes stay valid', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[ -~]{1,40}$/), (ascii) => {
        expect(emailLookupForm(ascii)).toBe(legacyEmailLookupForm(ascii));
      }),
    );
  });
});
