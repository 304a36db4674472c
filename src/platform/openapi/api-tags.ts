/*
 * The sections of the API (OpenAPI tags), in the order readers and generated clients see
 * them (typescript-fetch makes one class per tag: AuthApi, AccountsApi...). A tag used by
 * a route but missing here is still written, without a description, and the lint test
 * (redocly `tag-description`) fails: describe it here when a context adds one.
 * Kept as plain text: the platform names no module, it only describes the API's parts.
 */
export const API_TAGS: ReadonlyArray<{ readonly name: string; readonly description: string }> = [
  { name: 'auth', description: 'Sign-up, e-mail verification, login (password, MFA, passkeys), password reset, the OAuth 2.0 token endpoint and signing keys. Public: no access token needed.' },
  { name: 'users', description: "The signed-in user's own profile, password, data export and account closure." },
  { name: 'sessions', description: "The signed-in user's sessions (devices); revoking one ends its tokens at once." },
  { name: 'mfa', description: 'Second factors: TOTP, recovery codes, passkeys (WebAuthn), and step-up for sensitive operations.' },
  { name: 'accounts', description: "Customers' current and savings accounts: opening, balances, history, closure; staff freeze and overdrafts." },
  { name: 'statements', description: 'Account statements for a period, on demand or stored (JSON, CSV or PDF).' },
  { name: 'interest', description: 'Interest rates per product and currency, and the interest an account has earned.' },
  { name: 'ledger', description: "The bank's double-entry books for services and back-office: ledger accounts, two-phase transfers, postings, reconciliation." },
  { name: 'admin', description: 'Staff operations on users and OAuth clients (roles, status, erasure).' },
  { name: 'audit', description: 'The tamper-evident security audit log and its verification.' },
  { name: 'health', description: 'Liveness, startup and readiness probes. Public.' },
  { name: 'observability', description: 'Prometheus metrics. Public; keep it off the public network.' },
];
