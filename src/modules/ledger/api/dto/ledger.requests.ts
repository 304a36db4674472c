import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsISO4217CurrencyCode, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { MINOR_UNITS_PATTERN } from '../../../../shared-kernel';

export class CreateLedgerAccountRequest {
  @ApiProperty({ format: 'uuid', description: 'Chosen by the caller (idempotent)' })
  @IsUUID()
  id!: string;

  @ApiProperty({ example: 'EUR' })
  @IsISO4217CurrencyCode()
  currency!: string;

  @ApiProperty({ enum: ['debit', 'credit'], description: 'credit for customer deposits (liabilities), debit for assets' })
  @IsIn(['debit', 'credit'])
  normalSide!: 'debit' | 'credit';

  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() debitsMustNotExceedCredits?: boolean;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() creditsMustNotExceedDebits?: boolean;

  @ApiPropertyOptional({ example: '0', description: 'Minor units' })
  @IsOptional()
  @Matches(MINOR_UNITS_PATTERN, { message: 'overdraftLimit must be a non-negative integer of minor units, as a string' })
  overdraftLimit?: string;

  @ApiPropertyOptional({ example: 2000, description: 'Chart-of-accounts code' }) @IsOptional() @IsInt() @Min(0) @Max(2_147_483_647) code?: number;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) reference?: string;
}

export class ChangeLedgerAccountRequest {
  @ApiPropertyOptional({ enum: ['open', 'frozen', 'closed'] }) @IsOptional() @IsIn(['open', 'frozen', 'closed']) status?: 'open' | 'frozen' | 'closed';
  @ApiPropertyOptional({ example: '50000' })
  @IsOptional()
  @Matches(MINOR_UNITS_PATTERN, { message: 'overdraftLimit must be a non-negative integer of minor units, as a string' })
  overdraftLimit?: string;

  @ApiPropertyOptional({ default: false, description: 'With status closed: refuse unless the posted balance is zero (LEDGER_ACCOUNT_HAS_BALANCE)' })
  @IsOptional()
  @IsBoolean()
  requireZeroBalance?: boolean;
}

export class LedgerIdParams {
  @IsUUID()
  id!: string;
}

export class PostingsQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'From (inclusive)' }) @IsOptional() @IsISO8601({ strict: true }) from?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'To (exclusive)' }) @IsOptional() @IsISO8601({ strict: true }) to?: string;
  @ApiPropertyOptional({ enum: ['posted', 'pending'] }) @IsOptional() @IsIn(['posted', 'pending']) bucket?: 'posted' | 'pending';
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' }) @IsOptional() @Matches(/^[1-9][0-9]{0,18}$/, { message: 'cursor must be a cursor from a previous page' }) cursor?: string;
  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class BalanceAsOfQuery {
  @ApiProperty({ format: 'date-time' }) @IsISO8601({ strict: true }) asOf!: string;
}
