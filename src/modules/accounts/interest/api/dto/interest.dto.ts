import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO4217CurrencyCode, IsOptional, Matches } from 'class-validator';
import { ACCOUNT_PRODUCTS, type AccountProduct } from '../../../domain/account';

const RATE = { type: String, example: '3.65', description: 'Annual rate in percent (ACT/365), a decimal string with at most 6 decimals' } as const;
const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export class AddInterestRateRequest {
  @ApiProperty({ enum: ACCOUNT_PRODUCTS }) @IsIn(ACCOUNT_PRODUCTS) product!: AccountProduct;
  @ApiProperty({ example: 'EUR', description: 'ISO 4217; one of ACCOUNTS_CURRENCIES' }) @IsISO4217CurrencyCode() currency!: string;
  @ApiProperty({ format: 'date', example: '2026-12-01', description: 'First UTC day the rate applies; today or later' })
  @Matches(DAY, { message: 'effectiveFrom must be a date, YYYY-MM-DD' })
  effectiveFrom!: string;
  @ApiProperty(RATE)
  @Matches(/^(0|[1-9][0-9]{0,2})(\.[0-9]{1,6})?$/, { message: 'annualRatePercent must be a non-negative decimal below 1000 with at most 6 decimals, as a string' })
  annualRatePercent!: string;
}

export class InterestRatesQuery {
  @ApiPropertyOptional({ enum: ACCOUNT_PRODUCTS }) @IsOptional() @IsIn(ACCOUNT_PRODUCTS) product?: AccountProduct;
  @ApiPropertyOptional({ example: 'EUR' }) @IsOptional() @IsISO4217CurrencyCode() currency?: string;
}

export class InterestRateResponse {
  @ApiProperty({ enum: ACCOUNT_PRODUCTS }) product!: AccountProduct;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ format: 'date', example: '2026-12-01' }) effectiveFrom!: string;
  @ApiProperty(RATE) annualRatePercent!: string;
}

export class InterestRateListResponse {
  @ApiProperty({ type: [InterestRateResponse], description: 'By product, currency, then effectiveFrom' }) items!: InterestRateResponse[];
}

export class CapitalisationResponse {
  @ApiProperty({ example: '2026-11', description: 'The month paid (YYYY-MM), or final (at closure)' }) period!: string;
  @ApiProperty({ type: String, example: '3012', description: 'Minor units paid (integer, as a string)' }) amount!: string;
  @ApiProperty({ format: 'uuid', description: 'The ledger transfer' }) transferId!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null while the transfer is being retried' }) postedAt!: string | null;
}

export class AccountInterestResponse {
  @ApiProperty({ format: 'uuid' }) accountId!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ ...RATE, type: String, nullable: true, description: "Today's rate for the account's product and currency (null: none)" }) currentRatePercent!: string | null;
  @ApiProperty({ type: String, example: '417', description: 'Accrued and not yet paid, minor units (the daily amounts; the sub-unit remainder carries on)' }) accruedUnpaid!: string;
  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'Last day accrued' }) accruedThrough!: string | null;
  @ApiProperty({ type: [CapitalisationResponse] }) capitalisations!: CapitalisationResponse[];
}
