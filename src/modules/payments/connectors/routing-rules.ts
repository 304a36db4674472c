import { z } from 'zod';
import { ConnectorName, PaymentMethod } from '../contract/views';
import type { RouteRequest } from './connector';

/*
 * Routing rules (PAYMENTS_ROUTING_RULES, JSON): an ordered list; the first rule whose
 * conditions all hold for a payment names the connectors that may carry it, in order of
 * preference. A condition left out holds for every payment. When no rule matches (or there
 * are none) every registered connector that accepts the payment may carry it, in the order
 * they registered. Amounts are minor units as decimal strings, bounds inclusive.
 */

const amount = z.string().regex(/^(0|[1-9][0-9]{0,17})$/, 'amounts are minor units as decimal strings');

export const RoutingRule = z
  .object({
    connectors: z.array(ConnectorName).min(1),
    currencies: z
      .array(z.string().regex(/^[A-Z]{3}$/))
      .min(1)
      .optional(),
    methods: z.array(PaymentMethod).min(1).optional(),
    countries: z
      .array(z.string().regex(/^[A-Z]{2}$/))
      .min(1)
      .optional(),
    minAmount: amount.optional(),
    maxAmount: amount.optional(),
  })
  .strict();
export type RoutingRule = z.infer<typeof RoutingRule>;

export const RoutingRules = z.array(RoutingRule);

export function matches(rule: RoutingRule, route: RouteRequest): boolean {
  if (rule.currencies && !rule.currencies.includes(route.currency)) return false;
  if (rule.methods && !rule.methods.includes(route.method)) return false;
  if (rule.countries && (!route.country || !rule.countries.includes(route.country))) return false;
  if (rule.minAmount !== undefined && route.amount < BigInt(rule.minAmount)) return false;
  if (rule.maxAmount !== undefined && route.amount > BigInt(rule.maxAmount)) return false;
  return true;
}

/** The connectors the first matching rule names, in its order; undefined when no rule matches. */
export function preferenceFor(rules: readonly RoutingRule[], route: RouteRequest): readonly ConnectorName[] | undefined {
  return rules.find((rule) => matches(rule, route))?.connectors;
}
