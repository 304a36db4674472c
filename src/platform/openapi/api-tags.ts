/*
 * The platform's own sections of the API (OpenAPI tags); each context describes its own in
 * its manifest (`apiTags`). A tag used by a route but described nowhere is still written,
 * without a description, and the lint test (redocly `tag-description`) fails.
 */
export interface ApiTag {
  readonly name: string;
  readonly description: string;
}

export const PLATFORM_API_TAGS: readonly ApiTag[] = [
  { name: 'health', description: 'Liveness, startup and readiness probes. Public.' },
  { name: 'observability', description: 'Prometheus metrics. Public; keep it off the public network.' },
];
