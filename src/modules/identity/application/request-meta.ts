/** Where a request came from, for sessions, lockouts and the audit log. */
export interface RequestMeta {
  readonly ip: string | null;
  readonly userAgent: string | null;
}
