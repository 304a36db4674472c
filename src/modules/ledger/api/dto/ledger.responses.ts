import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const MINOR = { type: String, example: '125000', description: 'Minor units (integer, as a string)' } as const;

export class BalancesResponse {
  @ApiProperty({ ...MINOR, description: 'Posted balance on the normal side' }) posted!: string;
  @ApiProperty({ ...MINOR, example: '-2500', description: 'Net pending (holds against the account are negative)' }) pending!: string;
  @ApiProperty({ ...MINOR, description: 'Posted minus outgoing holds plus overdraft' }) available!: string;
}

export class TotalsResponse {
  @ApiProperty(MINOR) debitsPending!: string;
  @ApiProperty(MINOR) debitsPosted!: string;
  @ApiProperty(MINOR) creditsPending!: string;
  @ApiProperty(MINOR) creditsPosted!: string;
}

export class LedgerAccountResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ enum: ['debit', 'credit'] }) normalSide!: 'debit' | 'credit';
  @ApiProperty() debitsMustNotExceedCredits!: boolean;
  @ApiProperty() creditsMustNotExceedDebits!: boolean;
  @ApiProperty(MINOR) overdraftLimit!: string;
  @ApiProperty({ enum: ['open', 'frozen', 'closed'] }) status!: 'open' | 'frozen' | 'closed';
  @ApiProperty() code!: number;
  @ApiProperty({ type: String, nullable: true }) reference!: string | null;
  @ApiProperty({ type: BalancesResponse }) balances!: BalancesResponse;
  @ApiProperty({ type: TotalsResponse }) totals!: TotalsResponse;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class TransferResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['posted', 'pending', 'post_pending', 'void_pending', 'expire_pending'] }) kind!: string;
  @ApiProperty({ format: 'uuid' }) debitAccountId!: string;
  @ApiProperty({ format: 'uuid' }) creditAccountId!: string;
  @ApiProperty(MINOR) amount!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) pendingId!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) timeoutAt!: string | null;
  @ApiProperty() code!: number;
  @ApiProperty({ type: String, nullable: true }) reference!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class TransferResultResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['created', 'exists', 'failed'] }) status!: 'created' | 'exists' | 'failed';
  @ApiPropertyOptional({ example: 'EXCEEDS_CREDITS', description: 'Stable error code when failed (see docs/errors.md)' }) error?: string;
  @ApiPropertyOptional({ type: TransferResponse }) transfer?: TransferResponse;
}

export class TransferBatchResponse {
  @ApiProperty({ type: [TransferResultResponse] }) results!: TransferResultResponse[];
}

export class PostingResponse {
  @ApiProperty({ example: '1042', description: 'Position in ledger order' }) sequence!: string;
  @ApiProperty({ format: 'uuid' }) transferId!: string;
  @ApiProperty({ format: 'uuid' }) accountId!: string;
  @ApiProperty({ enum: ['debit', 'credit'] }) side!: string;
  @ApiProperty({ enum: ['posted', 'pending'] }) bucket!: string;
  @ApiProperty({ ...MINOR, description: 'Signed; releasing a hold is negative' }) amount!: string;
  @ApiProperty(MINOR) balanceAfter!: string;
  @ApiProperty(MINOR) pendingAfter!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class PostingPageResponse {
  @ApiProperty({ type: [PostingResponse] }) items!: PostingResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page' }) nextCursor!: string | null;
}

export class BalanceAsOfResponse {
  @ApiProperty(MINOR) posted!: string;
  @ApiProperty(MINOR) pending!: string;
  @ApiProperty({ format: 'date-time' }) asOf!: string;
}

export class ReconciliationReportResponse {
  @ApiProperty({ format: 'date-time' }) checkedAt!: string;
  @ApiProperty() accountsChecked!: number;
  @ApiProperty({ type: [String] }) mismatchedAccounts!: string[];
  @ApiProperty({ type: [String] }) unbalancedCurrencies!: string[];
}
