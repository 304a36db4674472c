const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema names are spliced into SQL (identifiers cannot be bound), so only plain names pass. */
export function schemaName(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`not a valid schema name: ${JSON.stringify(name)}`);
  return name;
}
