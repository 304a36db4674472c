import { ConfigError, int, list } from '@platform/config/config-slice';
import { z } from 'zod';
import type { AchCutoffs } from './ach/ach-cutoff';
import type { AchCompany, AchFileOptions, SecCode } from './ach/nacha-writer';
import type { AccountId, ChargeBearer, Party, StructuredAddress } from './iso20022/iso20022-writers';
import {
  checkAbaRoutingNumber,
  checkAccountName,
  checkBic,
  checkForeignAccountNumber,
  checkIban,
  checkUsAccountNumber,
  type Rail,
} from './validation/bank-details';

/*
 * Block "rails" of the payments configuration: who we are on each bank rail. A rail is
 * registered as a connector only when its settings are there; some of them without the
 * others is a ConfigError naming the missing variable (never a value).
 */

/** Who we are on each rail (our bank, our account, our company ids). */
export interface RailOriginators {
  readonly ach?: {
    readonly file: Omit<AchFileOptions, 'createdAt' | 'fileIdModifier'>;
    readonly company: AchCompany;
    readonly secCode: SecCode;
    readonly cutoffs: AchCutoffs;
  };
  readonly sepa?: { readonly initiatingParty: string; readonly debtor: Party; readonly debtorIban: string; readonly debtorBic?: string };
  readonly wire?: {
    readonly initiatingParty: string;
    readonly debtor: Party;
    readonly debtorAccountNumber: string;
    readonly debtorBic: string;
    readonly chargeBearer: ChargeBearer;
  };
  readonly swift?: {
    readonly instructingAgentBic: string;
    /** A correspondent that receives our pacs.008s; absent: the creditor's agent directly. */
    readonly instructedAgentBic?: string;
    readonly debtor: Party & { readonly address: StructuredAddress };
    readonly debtorAccount: AccountId;
    readonly debtorAgentBic: string;
    readonly chargeBearer: ChargeBearer;
    readonly settlementMethod: 'INDA' | 'INGA' | 'COVE';
  };
}

export interface RailsSettings {
  readonly originators: RailOriginators;
  /** The rails with originator settings, in the order they are registered. */
  readonly configured: readonly Rail[];
  /** How often each process builds the next files from the queue. */
  readonly buildIntervalMs: number;
  /** How often ACH payouts whose effective date passed without a return are settled. */
  readonly settleIntervalMs: number;
}

const optional = z.string().trim().min(1).optional();
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)');
const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as America/New_York');
const dates = list.pipe(z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD dates, comma separated')));
const chargeBearer = z.enum(['DEBT', 'CRED', 'SHAR'], { message: 'must be DEBT, CRED or SHAR' });

/** The rails block's variables (a function so the slice can spread it before this file's functions are read). */
export function RAIL_VARIABLES() {
  return {
    PAYMENTS_RAIL_FILES_INTERVAL_MS: int(1_000, 86_400_000).default(300_000),
    PAYMENTS_ACH_SETTLE_INTERVAL_MS: int(1_000, 86_400_000).default(3_600_000),
    // ACH (NACHA): our ODFI and company
    PAYMENTS_ACH_ODFI_ROUTING: optional,
    PAYMENTS_ACH_COMPANY_ID: optional,
    PAYMENTS_ACH_COMPANY_NAME: optional,
    PAYMENTS_ACH_DESTINATION_ROUTING: optional,
    PAYMENTS_ACH_DESTINATION_NAME: optional,
    PAYMENTS_ACH_ORIGIN_NAME: optional,
    PAYMENTS_ACH_ENTRY_DESCRIPTION: z.string().default('PAYOUT'),
    PAYMENTS_ACH_SEC_CODE: z.enum(['PPD', 'CCD'], { message: 'must be PPD or CCD' }).default('PPD'),
    PAYMENTS_ACH_OFFSET_ROUTING: optional,
    PAYMENTS_ACH_OFFSET_ACCOUNT: optional,
    PAYMENTS_ACH_OFFSET_ACCOUNT_TYPE: z.enum(['checking', 'savings'], { message: 'must be checking or savings' }).default('checking'),
    PAYMENTS_ACH_TIME_ZONE: timeZone.default('America/New_York'),
    PAYMENTS_ACH_CUTOFF: hhmm.default('16:00'),
    PAYMENTS_ACH_HOLIDAYS: dates.default([]),
    // SEPA credit transfers (pain.001)
    PAYMENTS_SEPA_DEBTOR_IBAN: optional,
    PAYMENTS_SEPA_DEBTOR_BIC: optional,
    PAYMENTS_SEPA_DEBTOR_NAME: optional,
    // US wires (pain.001 to our bank)
    PAYMENTS_WIRE_DEBTOR_ACCOUNT: optional,
    PAYMENTS_WIRE_DEBTOR_BIC: optional,
    PAYMENTS_WIRE_DEBTOR_NAME: optional,
    PAYMENTS_WIRE_CHARGE_BEARER: chargeBearer.default('SHAR'),
    // SWIFT (pacs.008, CBPR+)
    PAYMENTS_SWIFT_BIC: optional,
    PAYMENTS_SWIFT_DEBTOR_IBAN: optional,
    PAYMENTS_SWIFT_DEBTOR_ACCOUNT: optional,
    PAYMENTS_SWIFT_DEBTOR_NAME: optional,
    PAYMENTS_SWIFT_DEBTOR_STREET: optional,
    PAYMENTS_SWIFT_DEBTOR_BUILDING: optional,
    PAYMENTS_SWIFT_DEBTOR_POST_CODE: optional,
    PAYMENTS_SWIFT_DEBTOR_TOWN: optional,
    PAYMENTS_SWIFT_DEBTOR_COUNTRY: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 country code')
      .optional(),
    PAYMENTS_SWIFT_CORRESPONDENT_BIC: optional,
    PAYMENTS_SWIFT_CHARGE_BEARER: chargeBearer.default('SHAR'),
    PAYMENTS_SWIFT_SETTLEMENT_METHOD: z.enum(['INDA', 'INGA', 'COVE'], { message: 'must be INDA, INGA or COVE' }).default('INDA'),
  };
}

type RailVariables = z.output<z.ZodObject<ReturnType<typeof RAIL_VARIABLES>>>;

/** A rail's required variables: none set is "not configured", some set is an error naming the first one missing. */
function group(rail: string, present: Record<string, string | undefined>): boolean {
  const names = Object.keys(present);
  const set = names.filter((n) => present[n] !== undefined);
  if (set.length === 0) return false;
  const missing = names.find((n) => present[n] === undefined);
  if (missing) throw new ConfigError(`Invalid configuration: ${missing} is required for the ${rail} rail (${set.join(', ')} set)`);
  return true;
}

function checked(name: string, result: { ok: true; value: string } | { ok: false; message: string }): string {
  if (!result.ok) throw new ConfigError(`Invalid configuration: ${name} ${result.message}`);
  return result.value;
}

function ascii(name: string, value: string, max: number): string {
  const v = value.toUpperCase();
  if (!/^[A-Z0-9 .,\-/&'()]+$/.test(v) || v.length > max)
    throw new ConfigError(`Invalid configuration: ${name} must be at most ${max} letters, digits, spaces or . , - / & ' ( )`);
  return v;
}

export function railSettings(e: RailVariables): RailsSettings {
  const originators: { -readonly [K in keyof RailOriginators]: RailOriginators[K] } = {};

  if (
    group('ach', {
      PAYMENTS_ACH_ODFI_ROUTING: e.PAYMENTS_ACH_ODFI_ROUTING,
      PAYMENTS_ACH_COMPANY_ID: e.PAYMENTS_ACH_COMPANY_ID,
      PAYMENTS_ACH_COMPANY_NAME: e.PAYMENTS_ACH_COMPANY_NAME,
    })
  ) {
    const odfi = checked('PAYMENTS_ACH_ODFI_ROUTING', checkAbaRoutingNumber(e.PAYMENTS_ACH_ODFI_ROUTING!));
    const destination = e.PAYMENTS_ACH_DESTINATION_ROUTING
      ? checked('PAYMENTS_ACH_DESTINATION_ROUTING', checkAbaRoutingNumber(e.PAYMENTS_ACH_DESTINATION_ROUTING))
      : odfi;
    if (!/^[0-9A-Z ]{10}$/.test(e.PAYMENTS_ACH_COMPANY_ID!))
      throw new ConfigError('Invalid configuration: PAYMENTS_ACH_COMPANY_ID must be 10 characters (usually 1 and the EIN)');
    const companyName = ascii('PAYMENTS_ACH_COMPANY_NAME', e.PAYMENTS_ACH_COMPANY_NAME!, 16);
    const description = ascii('PAYMENTS_ACH_ENTRY_DESCRIPTION', e.PAYMENTS_ACH_ENTRY_DESCRIPTION, 10);
    let offsetAccount: NonNullable<RailOriginators['ach']>['file']['offsetAccount'];
    if (
      group('ach offset', {
        PAYMENTS_ACH_OFFSET_ROUTING: e.PAYMENTS_ACH_OFFSET_ROUTING,
        PAYMENTS_ACH_OFFSET_ACCOUNT: e.PAYMENTS_ACH_OFFSET_ACCOUNT,
      })
    ) {
      offsetAccount = {
        routingNumber: checked('PAYMENTS_ACH_OFFSET_ROUTING', checkAbaRoutingNumber(e.PAYMENTS_ACH_OFFSET_ROUTING!)),
        accountNumber: checked('PAYMENTS_ACH_OFFSET_ACCOUNT', checkUsAccountNumber(e.PAYMENTS_ACH_OFFSET_ACCOUNT!)),
        accountType: e.PAYMENTS_ACH_OFFSET_ACCOUNT_TYPE,
        name: companyName.slice(0, 22),
      };
    }
    originators.ach = {
      file: {
        immediateDestination: destination,
        immediateDestinationName: ascii('PAYMENTS_ACH_DESTINATION_NAME', e.PAYMENTS_ACH_DESTINATION_NAME ?? 'ODFI', 23),
        immediateOrigin: e.PAYMENTS_ACH_COMPANY_ID!,
        immediateOriginName: ascii('PAYMENTS_ACH_ORIGIN_NAME', e.PAYMENTS_ACH_ORIGIN_NAME ?? companyName, 23),
        originatingDfi: odfi,
        ...(offsetAccount ? { offsetAccount } : {}),
      },
      company: { name: companyName, id: e.PAYMENTS_ACH_COMPANY_ID!, entryDescription: description },
      secCode: e.PAYMENTS_ACH_SEC_CODE,
      cutoffs: { timeZone: e.PAYMENTS_ACH_TIME_ZONE, cutoff: e.PAYMENTS_ACH_CUTOFF, holidays: new Set(e.PAYMENTS_ACH_HOLIDAYS) },
    };
  } else if (e.PAYMENTS_ACH_OFFSET_ROUTING || e.PAYMENTS_ACH_OFFSET_ACCOUNT || e.PAYMENTS_ACH_DESTINATION_ROUTING) {
    throw new ConfigError('Invalid configuration: PAYMENTS_ACH_ODFI_ROUTING is required for the ach rail (other PAYMENTS_ACH_* settings set)');
  }

  if (group('sepa', { PAYMENTS_SEPA_DEBTOR_IBAN: e.PAYMENTS_SEPA_DEBTOR_IBAN, PAYMENTS_SEPA_DEBTOR_NAME: e.PAYMENTS_SEPA_DEBTOR_NAME })) {
    const name = checked('PAYMENTS_SEPA_DEBTOR_NAME', checkAccountName('sepa', e.PAYMENTS_SEPA_DEBTOR_NAME!));
    originators.sepa = {
      initiatingParty: name,
      debtor: { name },
      debtorIban: checked('PAYMENTS_SEPA_DEBTOR_IBAN', checkIban(e.PAYMENTS_SEPA_DEBTOR_IBAN!)),
      ...(e.PAYMENTS_SEPA_DEBTOR_BIC ? { debtorBic: checked('PAYMENTS_SEPA_DEBTOR_BIC', checkBic(e.PAYMENTS_SEPA_DEBTOR_BIC)) } : {}),
    };
  } else if (e.PAYMENTS_SEPA_DEBTOR_BIC) {
    throw new ConfigError('Invalid configuration: PAYMENTS_SEPA_DEBTOR_IBAN is required for the sepa rail (PAYMENTS_SEPA_DEBTOR_BIC set)');
  }

  if (
    group('wire', {
      PAYMENTS_WIRE_DEBTOR_ACCOUNT: e.PAYMENTS_WIRE_DEBTOR_ACCOUNT,
      PAYMENTS_WIRE_DEBTOR_BIC: e.PAYMENTS_WIRE_DEBTOR_BIC,
      PAYMENTS_WIRE_DEBTOR_NAME: e.PAYMENTS_WIRE_DEBTOR_NAME,
    })
  ) {
    const name = checked('PAYMENTS_WIRE_DEBTOR_NAME', checkAccountName('wire', e.PAYMENTS_WIRE_DEBTOR_NAME!));
    originators.wire = {
      initiatingParty: name,
      debtor: { name },
      debtorAccountNumber: checked('PAYMENTS_WIRE_DEBTOR_ACCOUNT', checkUsAccountNumber(e.PAYMENTS_WIRE_DEBTOR_ACCOUNT!)),
      debtorBic: checked('PAYMENTS_WIRE_DEBTOR_BIC', checkBic(e.PAYMENTS_WIRE_DEBTOR_BIC!)),
      chargeBearer: e.PAYMENTS_WIRE_CHARGE_BEARER,
    };
  }

  const swiftAccount = e.PAYMENTS_SWIFT_DEBTOR_IBAN ?? e.PAYMENTS_SWIFT_DEBTOR_ACCOUNT;
  if (
    group('swift', {
      PAYMENTS_SWIFT_BIC: e.PAYMENTS_SWIFT_BIC,
      'PAYMENTS_SWIFT_DEBTOR_IBAN or PAYMENTS_SWIFT_DEBTOR_ACCOUNT': swiftAccount,
      PAYMENTS_SWIFT_DEBTOR_NAME: e.PAYMENTS_SWIFT_DEBTOR_NAME,
      PAYMENTS_SWIFT_DEBTOR_TOWN: e.PAYMENTS_SWIFT_DEBTOR_TOWN,
      PAYMENTS_SWIFT_DEBTOR_COUNTRY: e.PAYMENTS_SWIFT_DEBTOR_COUNTRY,
    })
  ) {
    if (e.PAYMENTS_SWIFT_DEBTOR_IBAN && e.PAYMENTS_SWIFT_DEBTOR_ACCOUNT)
      throw new ConfigError('Invalid configuration: PAYMENTS_SWIFT_DEBTOR_IBAN and PAYMENTS_SWIFT_DEBTOR_ACCOUNT are exclusive');
    const bic = checked('PAYMENTS_SWIFT_BIC', checkBic(e.PAYMENTS_SWIFT_BIC!));
    originators.swift = {
      instructingAgentBic: bic,
      ...(e.PAYMENTS_SWIFT_CORRESPONDENT_BIC
        ? { instructedAgentBic: checked('PAYMENTS_SWIFT_CORRESPONDENT_BIC', checkBic(e.PAYMENTS_SWIFT_CORRESPONDENT_BIC)) }
        : {}),
      debtor: {
        name: checked('PAYMENTS_SWIFT_DEBTOR_NAME', checkAccountName('swift', e.PAYMENTS_SWIFT_DEBTOR_NAME!)),
        address: {
          ...(e.PAYMENTS_SWIFT_DEBTOR_STREET ? { streetName: e.PAYMENTS_SWIFT_DEBTOR_STREET } : {}),
          ...(e.PAYMENTS_SWIFT_DEBTOR_BUILDING ? { buildingNumber: e.PAYMENTS_SWIFT_DEBTOR_BUILDING } : {}),
          ...(e.PAYMENTS_SWIFT_DEBTOR_POST_CODE ? { postCode: e.PAYMENTS_SWIFT_DEBTOR_POST_CODE } : {}),
          townName: e.PAYMENTS_SWIFT_DEBTOR_TOWN!,
          country: e.PAYMENTS_SWIFT_DEBTOR_COUNTRY!,
        },
      },
      debtorAccount: e.PAYMENTS_SWIFT_DEBTOR_IBAN
        ? { iban: checked('PAYMENTS_SWIFT_DEBTOR_IBAN', checkIban(e.PAYMENTS_SWIFT_DEBTOR_IBAN)) }
        : { other: checked('PAYMENTS_SWIFT_DEBTOR_ACCOUNT', checkForeignAccountNumber(e.PAYMENTS_SWIFT_DEBTOR_ACCOUNT!)) },
      debtorAgentBic: bic,
      chargeBearer: e.PAYMENTS_SWIFT_CHARGE_BEARER,
      settlementMethod: e.PAYMENTS_SWIFT_SETTLEMENT_METHOD,
    };
  }

  return {
    originators,
    configured: (['ach', 'wire', 'sepa', 'swift'] as const).filter((r) => originators[r] !== undefined),
    buildIntervalMs: e.PAYMENTS_RAIL_FILES_INTERVAL_MS,
    settleIntervalMs: e.PAYMENTS_ACH_SETTLE_INTERVAL_MS,
  };
}
