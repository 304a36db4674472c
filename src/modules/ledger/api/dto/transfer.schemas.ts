/*
 * JSON schemas of the transfer endpoints, validated by Fastify's compiled Ajv validator
 * (a batch of thousands of transfers would cost milliseconds through class-validator)
 * and published as is in the OpenAPI document.
 */
const uuid = { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$', example: '0193a5f0-8e3b-7cc1-b6a2-3c1f2d9e4a10' };

export const TRANSFER_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: {
    id: { ...uuid, description: 'Chosen by the caller: the idempotency key of the transfer' },
    kind: { type: 'string', enum: ['posted', 'pending', 'post_pending', 'void_pending'], default: 'posted' },
    debitAccountId: { ...uuid, description: 'Required for posted and pending' },
    creditAccountId: { ...uuid, description: 'Required for posted and pending' },
    amount: { type: 'string', pattern: '^[1-9][0-9]{0,18}$', example: '2500', description: 'Minor units; post_pending may post less than the hold' },
    currency: { type: 'string', pattern: '^[A-Z]{3}$', example: 'EUR' },
    pendingId: { ...uuid, description: 'For post_pending and void_pending' },
    timeoutSeconds: { type: 'integer', minimum: 0, maximum: 31_622_400, description: 'Pending only: the hold expires after this' },
    linked: { type: 'boolean', default: false, description: 'Commit together with the next transfer, all or nothing' },
    code: { type: 'integer', minimum: 0, maximum: 65_535, description: 'Transfer type' },
    reference: { type: 'string', maxLength: 200 },
  },
} as const;

export const MAX_TRANSFERS_PER_BATCH = 5000;

export const TRANSFER_BATCH_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['transfers'],
  properties: {
    transfers: { type: 'array', minItems: 1, maxItems: MAX_TRANSFERS_PER_BATCH, items: TRANSFER_SCHEMA },
  },
} as const;
