import { ConfigError } from '@platform/config/config-slice';
import { paymentsConfig } from '../payments.config';

const read = (env: Record<string, string>) => paymentsConfig.read(paymentsConfig.variables.parse(env), { env: 'test', dataDir: '/tmp' }).rails;

const ACH = { PAYMENTS_ACH_ODFI_ROUTING: '021000021', PAYMENTS_ACH_COMPANY_ID: '1234567890', PAYMENTS_ACH_COMPANY_NAME: 'Skyro Payouts' };
const SWIFT = {
  PAYMENTS_SWIFT_BIC: 'COBADEFFXXX',
  PAYMENTS_SWIFT_DEBTOR_IBAN: 'DE89370400440532013000',
  PAYMENTS_SWIFT_DEBTOR_NAME: 'Skyro Bank',
  PAYMENTS_SWIFT_DEBTOR_TOWN: 'Berlin',
  PAYMENTS_SWIFT_DEBTOR_COUNTRY: 'DE',
};

describe('payments config, block "rails"', () => {
  it('configures no rail when nothing is set', () => {
    expect(read({})).toMatchObject({ configured: [], originators: {}, buildIntervalMs: 300_000, settleIntervalMs: 3_600_000 });
  });

  it('reads each rail whose settings are complete, with defaults for cut-offs and names', () => {
    const rails = read({
      ...ACH,
      PAYMENTS_ACH_HOLIDAYS: '2026-12-25, 2027-01-01',
      PAYMENTS_ACH_OFFSET_ROUTING: '021000021',
      PAYMENTS_ACH_OFFSET_ACCOUNT: '987654321',
      PAYMENTS_SEPA_DEBTOR_IBAN: 'de89 3704 0044 0532 0130 00',
      PAYMENTS_SEPA_DEBTOR_NAME: 'Skyro Bank',
      PAYMENTS_WIRE_DEBTOR_ACCOUNT: '12345678',
      PAYMENTS_WIRE_DEBTOR_BIC: 'CHASUS33',
      PAYMENTS_WIRE_DEBTOR_NAME: 'Skyro Bank',
      ...SWIFT,
    });
    expect(rails.configured).toEqual(['ach', 'wire', 'sepa', 'swift']);
    expect(rails.originators.ach).toMatchObject({
      file: { immediateDestination: '021000021', originatingDfi: '021000021', immediateOrigin: '1234567890', offsetAccount: { accountNumber: '987654321' } },
      company: { name: 'SKYRO PAYOUTS', id: '1234567890', entryDescription: 'PAYOUT' },
      secCode: 'PPD',
      cutoffs: { timeZone: 'America/New_York', cutoff: '16:00', holidays: new Set(['2026-12-25', '2027-01-01']) },
    });
    expect(rails.originators.sepa).toEqual({ initiatingParty: 'Skyro Bank', debtor: { name: 'Skyro Bank' }, debtorIban: 'DE89370400440532013000' });
    expect(rails.originators.swift).toMatchObject({
      instructingAgentBic: 'COBADEFFXXX',
      debtorAccount: { iban: 'DE89370400440532013000' },
      settlementMethod: 'INDA',
    });
  });

  it('refuses half a rail, naming the missing variable and never a value', () => {
    expect(() => read({ PAYMENTS_ACH_ODFI_ROUTING: '021000021', PAYMENTS_ACH_COMPANY_ID: '1234567890' })).toThrow(
      new ConfigError('Invalid configuration: PAYMENTS_ACH_COMPANY_NAME is required for the ach rail (PAYMENTS_ACH_ODFI_ROUTING, PAYMENTS_ACH_COMPANY_ID set)'),
    );
    expect(() => read({ PAYMENTS_SEPA_DEBTOR_NAME: 'Skyro' })).toThrow(/PAYMENTS_SEPA_DEBTOR_IBAN is required for the sepa rail/);
    expect(() => read({ PAYMENTS_WIRE_DEBTOR_BIC: 'CHASUS33' })).toThrow(/PAYMENTS_WIRE_DEBTOR_ACCOUNT is required/);
    expect(() => read({ ...SWIFT, PAYMENTS_SWIFT_DEBTOR_TOWN: '' })).toThrow();
    const { PAYMENTS_SWIFT_DEBTOR_COUNTRY: _country, ...noCountry } = SWIFT;
    expect(() => read(noCountry)).toThrow(/PAYMENTS_SWIFT_DEBTOR_COUNTRY is required for the swift rail/);
    expect(() => read({ ...ACH, PAYMENTS_ACH_OFFSET_ACCOUNT: '987654321' })).toThrow(/PAYMENTS_ACH_OFFSET_ROUTING is required/);
    expect(() => read({ PAYMENTS_ACH_DESTINATION_ROUTING: '011000015' })).toThrow(/PAYMENTS_ACH_ODFI_ROUTING is required/);
  });

  it('refuses bad bank identifiers by name', () => {
    expect(() => read({ ...ACH, PAYMENTS_ACH_ODFI_ROUTING: '021000022' })).toThrow(/^Invalid configuration: PAYMENTS_ACH_ODFI_ROUTING /);
    expect(() => read({ ...ACH, PAYMENTS_ACH_COMPANY_ID: '123' })).toThrow(/PAYMENTS_ACH_COMPANY_ID must be 10 characters/);
    expect(() => read({ PAYMENTS_SEPA_DEBTOR_IBAN: 'DE89370400440532013001', PAYMENTS_SEPA_DEBTOR_NAME: 'Skyro' })).toThrow(/PAYMENTS_SEPA_DEBTOR_IBAN/);
    expect(() => read({ ...SWIFT, PAYMENTS_SWIFT_BIC: 'NOTABIC' })).toThrow(/PAYMENTS_SWIFT_BIC/);
    const e = (() => {
      try {
        read({ PAYMENTS_SEPA_DEBTOR_IBAN: 'DE89370400440532013001', PAYMENTS_SEPA_DEBTOR_NAME: 'Skyro' });
      } catch (error) {
        return error as Error;
      }
      return null;
    })();
    expect(e?.message).not.toContain('370400440532013001');
  });
});
