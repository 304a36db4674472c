import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO4217CurrencyCode, IsISO8601, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { MINOR_UNITS_PATTERN } from '../../../../shared-kernel';
import { ACCOUNT_PRODUCTS, ACCOUNT_STATUSES, type AccountProduct, type AccountStatus } from '../../domain/account';

const MINOR = { type: String, example: '125000', description: 'Minor units (integer, as a string)' } as const;
const SIGNED_MINOR = { ...MINOR, example: '-2500', description: 'Minor units (signed integer, as a string)' } as const;

export class OpenAccountRequest {
  @ApiProperty({ enum: ACCOUNT_PRODUCTS }) @IsIn(ACCOUNT_PRODUCTS) product!: AccountProduct;
  @ApiProperty({ example: 'EUR', description: 'ISO 4217; one of ACCOUNTS_CURRENCIES' }) @IsISO4217CurrencyCode() currency!: string;
}

export class CloseAccountRequest {
  @ApiPropertyOptional({ format: 'uuid', description: 'Another active account of the owner, same currency, receiving the remaining balance (required unless the balance is zero)' })
  @IsOptional()
  @IsUUID()
  sweepToAccountId?: string;
}

export class SetOverdraftRequest {
  @ApiProperty({ ...MINOR, example: '50000', description: 'New overdraft limit in minor units; checking only, at most ACCOUNTS_CHECKING_MAX_OVERDRAFT' })
  @Matches(MINOR_UNITS_PATTERN, { message: 'overdraftLimit must be a non-negative integer of minor units, as a string' })
  overdraftLimit!: string;
}

export class AccountIdParams {
  @IsUUID() id!: string;
}

/** A user id; named `id` like identity's /admin/users/:id routes, which share the path. */
export class OwnerIdParams {
  @IsUUID() id!: string;
}

export class HistoryQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'From (inclusive)' }) @IsOptional() @IsISO8601({ strict: true }) from?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'To (exclusive)' }) @IsOptional() @IsISO8601({ strict: true }) to?: string;
  @ApiPropertyOptional({ enum: ['posted', 'pending'] }) @IsOptional() @IsIn(['posted', 'pending']) bucket?: 'posted' | 'pending';
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' }) @IsOptional() @Matches(/^[1-9][0-9]{0,18}$/, { message: 'cursor must be a cursor from a previous page' }) cursor?: string;
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

export class AccountBalancesResponse {
  @ApiProperty({ ...SIGNED_MINOR, description: 'Posted balance (negative when overdrawn)' }) posted!: string;
  @ApiProperty({ ...SIGNED_MINOR, description: 'Net pending (holds against the account are negative)' }) pending!: string;
  @ApiProperty({ ...SIGNED_MINOR, description: 'Spendable now: posted minus holds plus the overdraft limit' }) available!: string;
}

export class AccountResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) ownerId!: string;
  @ApiProperty({ enum: ACCOUNT_PRODUCTS }) product!: AccountProduct;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ example: '1234567897', description: 'Ten digits, the last a Luhn check digit' }) accountNumber!: string;
  @ApiProperty({ type: String, nullable: true, example: 'DE12999000001234567897', description: 'EUR accounts only (ISO 13616)' }) iban!: string | null;
  @ApiProperty({ enum: ACCOUNT_STATUSES }) status!: AccountStatus;
  @ApiProperty(MINOR) overdraftLimit!: string;
  @ApiProperty({ format: 'uuid', description: 'The ledger account holding the money' }) ledgerAccountId!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) openedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: AccountBalancesResponse }) balances!: AccountBalancesResponse;
}

export class AccountListResponse {
  @ApiProperty({ type: [AccountResponse] }) items!: AccountResponse[];
}

export class AccountPostingResponse {
  @ApiProperty({ example: '1042', description: 'Position in ledger order' }) sequence!: string;
  @ApiProperty({ format: 'uuid' }) transferId!: string;
  @ApiProperty({ enum: ['debit', 'credit'], description: 'debit: money out, credit: money in' }) side!: string;
  @ApiProperty({ enum: ['posted', 'pending'] }) bucket!: string;
  @ApiProperty({ ...SIGNED_MINOR, description: 'Signed; releasing a hold is negative' }) amount!: string;
  @ApiProperty(SIGNED_MINOR) balanceAfter!: string;
  @ApiProperty(SIGNED_MINOR) pendingAfter!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class AccountHistoryResponse {
  @ApiProperty({ type: [AccountPostingResponse] }) items!: AccountPostingResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page' }) nextCursor!: string | null;
}
