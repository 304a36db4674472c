import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { STATEMENT_FORMATS, type StatementFormat } from '../../domain/statement';

const MINOR = { type: String, example: '125000', description: 'Minor units (signed integer, as a string)' } as const;
const INSTANT = { format: 'date-time', example: '2026-11-01T00:00:00Z', description: 'ISO 8601 date or date-time (a date is 00:00 UTC)' } as const;

export class StatementPeriodRequest {
  @ApiProperty({ ...INSTANT, description: `Period start, inclusive. ${INSTANT.description}` }) @IsISO8601({ strict: true }) from!: string;
  @ApiProperty({ ...INSTANT, example: '2026-12-01T00:00:00Z', description: `Period end, exclusive (at most 366 days after from). ${INSTANT.description}` })
  @IsISO8601({ strict: true })
  to!: string;
}

export class StatementQuery extends StatementPeriodRequest {
  @ApiPropertyOptional({ enum: STATEMENT_FORMATS, description: 'Overrides the Accept header (application/json, text/csv, application/pdf)' })
  @IsOptional()
  @IsIn(STATEMENT_FORMATS)
  format?: StatementFormat;
}

export class StoredStatementQuery {
  @ApiPropertyOptional({ enum: STATEMENT_FORMATS, description: 'Overrides the Accept header' }) @IsOptional() @IsIn(STATEMENT_FORMATS) format?: StatementFormat;
}

export class StoredStatementParams {
  @IsUUID() id!: string;
  @IsUUID() statementId!: string;
}

export class StatementPostingResponse {
  @ApiProperty({ example: '1042', description: 'Position in ledger order' }) sequence!: string;
  @ApiProperty({ format: 'uuid' }) transferId!: string;
  @ApiProperty({ format: 'date-time' }) postedAt!: string;
  @ApiProperty({ enum: ['debit', 'credit'], description: 'debit: money out, credit: money in' }) side!: string;
  @ApiProperty({ ...MINOR, description: 'Signed: money in positive, money out negative' }) amount!: string;
  @ApiProperty(MINOR) balanceAfter!: string;
}

export class StatementResponse {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Stored statements only' }) statementId!: string | null;
  @ApiProperty({ type: String, enum: ['on_demand', 'monthly', 'final'], nullable: true, description: 'Stored statements only' }) kind!: string | null;
  @ApiProperty({ format: 'uuid' }) accountId!: string;
  @ApiProperty({ example: '1234567897' }) accountNumber!: string;
  @ApiProperty({ type: String, nullable: true }) iban!: string | null;
  @ApiProperty({ enum: ['checking', 'savings'] }) product!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ format: 'date-time' }) periodFrom!: string;
  @ApiProperty({ format: 'date-time', description: 'Exclusive' }) periodTo!: string;
  @ApiProperty({ ...MINOR, description: 'Posted balance just before periodFrom' }) openingBalance!: string;
  @ApiProperty({ ...MINOR, description: 'openingBalance plus every posting: the balance just before periodTo' }) closingBalance!: string;
  @ApiProperty({ ...MINOR, description: 'Sum of money in' }) totalCredits!: string;
  @ApiProperty({ ...MINOR, description: 'Sum of money out (positive)' }) totalDebits!: string;
  @ApiProperty({ example: '1250.00', description: 'openingBalance with the currency exponent applied' }) openingBalanceFormatted!: string;
  @ApiProperty({ example: '1300.00' }) closingBalanceFormatted!: string;
  @ApiProperty({ type: [StatementPostingResponse] }) postings!: StatementPostingResponse[];
  @ApiProperty({ format: 'date-time', description: 'When it was generated (stored: issued)' }) issuedAt!: string;
}

export class StatementDocumentResponse {
  @ApiProperty({ enum: STATEMENT_FORMATS }) format!: StatementFormat;
  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', description: 'SHA-256 (hex) of the stored bytes' }) sha256!: string;
}

export class StoredStatementResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) accountId!: string;
  @ApiProperty({ enum: ['on_demand', 'monthly', 'final'] }) kind!: string;
  @ApiProperty({ format: 'date-time' }) periodFrom!: string;
  @ApiProperty({ format: 'date-time', description: 'Exclusive' }) periodTo!: string;
  @ApiProperty(MINOR) openingBalance!: string;
  @ApiProperty(MINOR) closingBalance!: string;
  @ApiProperty({ example: 12 }) postingCount!: number;
  @ApiProperty({ format: 'date-time' }) issuedAt!: string;
  @ApiProperty({ type: [StatementDocumentResponse] }) documents!: StatementDocumentResponse[];
}

export class StoredStatementListResponse {
  @ApiProperty({ type: [StoredStatementResponse], description: 'Newest first' }) items!: StoredStatementResponse[];
}
