import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class SessionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'This request\'s own session' }) current!: boolean;
  @ApiProperty({ nullable: true, type: String, example: 'Mozilla/5.0 (iPhone...)', description: 'Device (user agent) that signed in' }) device!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '203.0.113.7' }) ip!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) lastSeenAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'Last second factor in this session (step-up)' }) secondFactorAt!: string | null;
}

export class SessionIdParams {
  @IsUUID()
  id!: string;
}

export class RevokedSessionsResponse {
  @ApiProperty({ example: 3 }) revoked!: number;
}
