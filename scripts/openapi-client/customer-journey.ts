/*
 * A customer's first day, written against the TypeScript client that openapi-generator
 * (typescript-fetch) makes from openapi.json, as an app developer would write it.
 * test/platform/openapi-client.e2e-spec.ts generates the client into `./client` next to
 * a copy of this file, type-checks both (strict) and runs the journey against a live app:
 * a renamed operation, a lost parameter or a wrong security requirement breaks it.
 * Not part of the project's build (scripts/*.ts only): it needs the generated client.
 */
import { AccountsApi, AuthApi, Configuration, LedgerApi, ResponseError, StatementsApi, type CurrencyCode } from './client';

export interface Customer {
  readonly email: string;
  readonly password: string;
  readonly name: string;
}

/** What only the bank (or the customer's mailbox) can do: the test supplies it. */
export interface Bank {
  /** The token of the verification e-mail identity sent to `email`. */
  verificationToken(email: string): Promise<string>;
  /** Credits the customer's ledger account from the bank's own (a service client's transfer). */
  fund(ledgerAccountId: string, amount: string, currency: CurrencyCode): Promise<void>;
}

export async function customerJourney(basePath: string, customer: Customer, bank: Bank) {
  const auth = new AuthApi(new Configuration({ basePath }));
  const signedUp = await auth.signUp({ body: { email: customer.email, password: customer.password, name: customer.name } });
  const verified = await auth.verifyEmail({ body: { token: await bank.verificationToken(customer.email) } });
  const login = await auth.signIn({ body: { email: customer.email, password: customer.password } });
  if (login.status !== 'authenticated' || !login.tokens) throw new Error(`login answered ${login.status}, not tokens`);

  // The bearer token goes only to operations whose security asks for it.
  const signedIn = new Configuration({ basePath, accessToken: login.tokens.accessToken });
  const accounts = new AccountsApi(signedIn);
  const opened = await accounts.openAccount({ body: { product: 'checking', currency: 'EUR' }, idempotencyKey: `open-${customer.email}` });
  const periodFrom = new Date(Date.now() - 60_000);

  await bank.fund(opened.ledgerAccountId, '125000', opened.currency);

  const funded = await accounts.getAccount({ id: opened.id });
  const statement = await new StatementsApi(signedIn).generateStatement({ id: opened.id, from: periodFrom, to: new Date(Date.now() + 60_000) });
  const listed = await accounts.listAccounts();

  // Errors arrive as ResponseError carrying the problem document.
  let unknownAccount: { status: number; contentType: string | null; body: unknown } | undefined;
  try {
    await accounts.getAccount({ id: '00000000-0000-4000-8000-000000000000' });
  } catch (error) {
    if (!(error instanceof ResponseError)) throw error;
    unknownAccount = { status: error.response.status, contentType: error.response.headers.get('content-type'), body: await error.response.json() };
  }
  return { signedUp, verified, login, opened, funded, statement, listed, unknownAccount };
}

/** The bank's side of funding, as its back-office service does it: a ledger transfer with a client-credentials token. */
export async function bankTransfer(
  basePath: string,
  serviceToken: string,
  transfer: { id: string; debitAccountId: string; creditAccountId: string; amount: string; currency: CurrencyCode },
) {
  const ledger = new LedgerApi(new Configuration({ basePath, accessToken: serviceToken }));
  return ledger.submitTransfer({ body: { kind: 'posted', ...transfer } });
}

/** The bank's own funding account (debit-normal: it may go below zero as it funds customers). */
export async function bankAccount(basePath: string, serviceToken: string, id: string, currency: CurrencyCode) {
  const ledger = new LedgerApi(new Configuration({ basePath, accessToken: serviceToken }));
  return ledger.createLedgerAccount({ body: { id, currency, normalSide: 'debit' } });
}
