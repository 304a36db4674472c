import { checkAbaRoutingNumber, checkAccountName, checkBic, checkIban, checkRailCurrency, checkRemittance, checkUsAccountNumber } from './bank-details';
import { checkBeneficiary } from './bank-fields';

describe('bank details', () => {
  it('takes IBANs in print form and answers the electronic form; refuses bad check digits and formats', () => {
    expect(checkIban('de89 3704 0044 0532 0130 00')).toEqual({ ok: true, value: 'DE89370400440532013000' });
    expect(checkIban('DE89370400440532013001')).toMatchObject({ ok: false, code: 'IBAN_INVALID' });
    expect(checkIban('DE8937040044053201300')).toMatchObject({ ok: false, code: 'IBAN_INVALID' });
    expect(checkIban('not an iban')).toMatchObject({ ok: false, code: 'IBAN_MALFORMED' });
    const failed = checkIban('DE89370400440532013001');
    expect(!failed.ok && failed.message).not.toContain('370400');
  });

  it('takes 8 and 11 character BICs, upper-cased', () => {
    expect(checkBic('cobadeffxxx')).toEqual({ ok: true, value: 'COBADEFFXXX' });
    expect(checkBic('DEUTDEFF')).toEqual({ ok: true, value: 'DEUTDEFF' });
    for (const bic of ['DEUTDEF', 'DEUT1EFF', 'DEUTQQFF', 'DEUTDEFF5', '']) expect(checkBic(bic)).toMatchObject({ ok: false, code: 'BIC_INVALID' });
  });

  it('checks ABA routing numbers with the 3-7-1 weights and the Federal Reserve prefix', () => {
    for (const rtn of ['011000015', '021000021', '026009593', '121000358']) expect(checkAbaRoutingNumber(rtn)).toEqual({ ok: true, value: rtn });
    expect(checkAbaRoutingNumber('021000022')).toMatchObject({ ok: false, code: 'ROUTING_NUMBER_INVALID' });
    expect(checkAbaRoutingNumber('0210000')).toMatchObject({ ok: false, code: 'ROUTING_NUMBER_MALFORMED' });
    // Sum 3*9+7*9+1*2 … a checksum-valid number with prefix 99 is still refused.
    expect(checkAbaRoutingNumber('990000003')).toMatchObject({ ok: false });
  });

  it('takes US account numbers of 4 to 17 digits', () => {
    expect(checkUsAccountNumber('1234').ok).toBe(true);
    expect(checkUsAccountNumber('1'.repeat(17)).ok).toBe(true);
    for (const n of ['123', '1'.repeat(18), '12a4']) expect(checkUsAccountNumber(n).ok).toBe(false);
  });

  it("limits names and remittance to the rail's character set and length", () => {
    expect(checkAccountName('sepa', '  Jean  Dupont ')).toEqual({ ok: true, value: 'Jean Dupont' });
    expect(checkAccountName('sepa', 'Jürgen Müller')).toMatchObject({ ok: false, code: 'NAME_CHARSET' });
    expect(checkAccountName('ach', 'ACME & SONS')).toMatchObject({ ok: true });
    expect(checkAccountName('ach', 'A'.repeat(23))).toMatchObject({ ok: false, code: 'NAME_TOO_LONG' });
    expect(checkAccountName('ach', 'Name?')).toMatchObject({ ok: false, code: 'NAME_CHARSET' });
    expect(checkRemittance('sepa', 'x'.repeat(140)).ok).toBe(true);
    expect(checkRemittance('sepa', 'x'.repeat(141))).toMatchObject({ ok: false, code: 'REMITTANCE_TOO_LONG' });
    expect(checkRemittance('sepa', 'Invoice #12')).toMatchObject({ ok: false, code: 'REMITTANCE_CHARSET' });
  });

  it('fits currencies to rails', () => {
    expect(checkRailCurrency('sepa', 'EUR').ok).toBe(true);
    expect(checkRailCurrency('sepa', 'USD')).toMatchObject({ ok: false, code: 'CURRENCY_RAIL_MISMATCH' });
    expect(checkRailCurrency('ach', 'EUR')).toMatchObject({ ok: false, code: 'CURRENCY_RAIL_MISMATCH' });
    expect(checkRailCurrency('wire', 'USD').ok).toBe(true);
    expect(checkRailCurrency('swift', 'JPY').ok).toBe(true);
    expect(checkRailCurrency('swift', 'KPW').ok).toBe(false);
    expect(checkRailCurrency('swift', 'XXX')).toMatchObject({ ok: false, code: 'CURRENCY_UNKNOWN' });
  });
});

describe('a beneficiary under its rail', () => {
  it('needs routing and account number for ACH and names each missing field', () => {
    const r = checkBeneficiary({ rail: 'ach', name: 'Jane Roe', currency: 'USD' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.map((e) => e.field).sort()).toEqual(['accountNumber', 'routingNumber']);
    expect(checkBeneficiary({ rail: 'ach', name: 'Jane Roe', currency: 'USD', routingNumber: '011000015', accountNumber: '12345678' })).toMatchObject({
      ok: true,
      value: { country: 'US', accountType: 'checking', iban: null },
    });
  });

  it('refuses an IBAN field on ACH, a non-SEPA IBAN on SEPA, USD on SEPA', () => {
    const r = checkBeneficiary({ rail: 'sepa', name: 'Jean Dupont', currency: 'USD', iban: 'BR1800360305000010009795493C1', routingNumber: '011000015' });
    expect(!r.ok && r.errors.map((e) => [e.field, e.code]).sort()).toEqual([
      ['currency', 'CURRENCY_RAIL_MISMATCH'],
      ['iban', 'IBAN_NOT_SEPA'],
      ['routingNumber', 'FIELD_NOT_USED'],
    ]);
  });

  it('SWIFT: a BIC, and an IBAN where the country has them, an account number where not', () => {
    expect(checkBeneficiary({ rail: 'swift', name: 'Taro', currency: 'JPY', bic: 'BOTKJPJT', accountNumber: '1234567' })).toMatchObject({
      ok: true,
      value: { country: 'JP', accountNumber: '1234567' },
    });
    const r = checkBeneficiary({ rail: 'swift', name: 'Hans', currency: 'GBP', bic: 'COBADEFF', accountNumber: '1234567' });
    expect(!r.ok && r.errors.map((e) => e.field).sort()).toEqual(['accountNumber', 'iban']);
  });
});
