/**
 * The fields of one CSV record as docker/metadata-action reads its inputs (`type=raw,value="a,b"`):
 * split on commas outside double quotes, quotes removed (`""` inside quotes is a literal quote), trimmed.
 */
export function csvFields(record: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < record.length; i++) {
    const c = record[i];
    if (c === '"' && quoted && record[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      fields.push(field.trim());
      field = '';
    } else field += c;
  }
  fields.push(field.trim());
  return fields.filter((f) => f !== '');
}

/** `key=value` fields as a record (keys lower case); a field without `=` is stored under `bareKey`. */
export function csvAttributes(record: string, bareKey: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const field of csvFields(record)) {
    const eq = field.indexOf('=');
    if (eq < 0) attrs[bareKey] = field;
    else attrs[field.slice(0, eq).trim().toLowerCase()] = field.slice(eq + 1).trim();
  }
  return attrs;
}
