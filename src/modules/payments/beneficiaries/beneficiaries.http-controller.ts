import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { ApiAuth, CurrentPrincipal } from '@platform/auth/decorators';
import { userOf } from '@platform/auth/ownership';
import type { Principal } from '@platform/auth/principal';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { Idempotent } from '@platform/http/idempotency';
import { ApiResult, ValidBody, ValidParams, ValidQuery } from '@platform/http/zod-request';
import { BeneficiaryIdParams, BeneficiaryListQuery, BeneficiaryPage, BeneficiaryView, CreateBeneficiaryRequest } from './beneficiaries.dto';
import { SavedBeneficiaries } from './saved-beneficiaries';

/**
 * A user's saved external bank accounts (payout destinations). Only their owner reaches
 * them: another user's beneficiary is 404 BENEFICIARY_NOT_FOUND. Answers show the account
 * masked (last four characters), never the account number or IBAN.
 */
@ApiTags('beneficiaries')
@ApiAuth()
@Controller('beneficiaries')
export class BeneficiariesHttpController {
  constructor(private readonly beneficiaries: SavedBeneficiaries) {}

  @Post()
  @Idempotent({ required: true })
  @ApiOperation({
    summary: 'Save an external bank account (ACH, wire, SEPA or SWIFT)',
    description:
      "Each rail's fields are checked (IBAN and BIC, ABA routing number checksum, account number format, the rail's character set for the name, the rail's currency); every problem names its field. The same account saved twice is 409 BENEFICIARY_EXISTS.",
  })
  @ApiResult(201, BeneficiaryView)
  @ApiProblems(400, 403, 409)
  async create(@CurrentPrincipal() principal: Principal, @ValidBody(CreateBeneficiaryRequest) body: CreateBeneficiaryRequest): Promise<BeneficiaryView> {
    return this.beneficiaries.create(userOf(principal), body);
  }

  @Get()
  @ApiOperation({ summary: 'My saved beneficiaries, newest first (cursor pagination)' })
  @ApiResult(200, BeneficiaryPage)
  @ApiProblems(400, 403)
  async list(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(BeneficiaryListQuery) query: z.output<typeof BeneficiaryListQuery>,
  ): Promise<BeneficiaryPage> {
    return this.beneficiaries.list(userOf(principal), query.cursor, query.limit);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A saved beneficiary (account masked)' })
  @ApiResult(200, BeneficiaryView)
  @ApiProblems(400, 403, 404)
  async get(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(BeneficiaryIdParams) { id }: z.output<typeof BeneficiaryIdParams>,
  ): Promise<BeneficiaryView> {
    return this.beneficiaries.get(userOf(principal), id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a saved beneficiary (payments already made to it keep naming it)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 403, 404)
  async delete(@CurrentPrincipal() principal: Principal, @ValidParams(BeneficiaryIdParams) { id }: z.output<typeof BeneficiaryIdParams>): Promise<void> {
    await this.beneficiaries.delete(userOf(principal), id);
  }
}
