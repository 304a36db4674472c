import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export class AuditQuery {
  @ApiPropertyOptional({ example: 'login.failed' })
  @IsOptional()
  @Matches(/^[a-z_]+\.[a-z_]+$/, { message: 'type must look like area.event' })
  type?: string;

  @ApiPropertyOptional({ description: 'Who acted (user or client id)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  actorId?: string;

  @ApiPropertyOptional({ description: 'Whom it was about' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  subjectId?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'cursor must come from a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class AuditEntryView {
  @ApiProperty({ example: '42' }) seq!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ example: 'login.failed' }) type!: string;
  @ApiProperty({ nullable: true, type: String }) actorId!: string | null;
  @ApiProperty({ nullable: true, type: String }) subjectId!: string | null;
  @ApiProperty({ nullable: true, type: String }) ip!: string | null;
  @ApiProperty({ nullable: true, type: String }) requestId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
  @ApiProperty({ description: 'SHA-256 chain hash (hex)' }) hash!: string;
}

export class AuditPage {
  @ApiProperty({ type: [AuditEntryView] }) items!: AuditEntryView[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next (older) page; null at the end' }) nextCursor!: string | null;
}

export class ChainBreakView {
  @ApiProperty() seq!: number;
  @ApiProperty({ enum: ['hash_mismatch', 'link_mismatch', 'gap'] }) reason!: string;
}

export class ChainHeadView {
  @ApiProperty() seq!: number;
  @ApiProperty() hash!: string;
}

export class AuditVerificationResponse {
  @ApiProperty() valid!: boolean;
  @ApiProperty({ description: 'Rows verified before the first break (all rows when valid)' }) checked!: number;
  @ApiProperty({ type: ChainHeadView, description: 'Last verified row: anchor it elsewhere to detect a truncated tail' }) head!: ChainHeadView;
  @ApiProperty({ type: ChainBreakView, nullable: true }) break!: ChainBreakView | null;
}
