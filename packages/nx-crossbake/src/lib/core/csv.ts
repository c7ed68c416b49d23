/** One CSV record the way buildx reads its specs (`--output`, `--cache-to`, `--secret`, …), and the way it writes a field back. */

type CsvReading = { fields: string[]; error?: undefined } | { fields?: undefined; error: string };

/**
 * One CSV record as tonistiigi/go-csvvalue reads it for buildx: fields split on `,`, a field in `"…"` may
 * hold commas and `""` for a quote, and a quote anywhere else is an error. Follows go-csvvalue
 * v0.0.0-20240814133006-030d3b2625d0 (commit 030d3b2) csvvalue.go `Parser.Fields` with its defaults (Comma
 * `,`, LazyQuotes and TrimLeadingSpace off), as buildx v0.36.1 util/buildflags uses it for outputs, caches,
 * secrets and attests (not ssh, which buildx splits itself); the spec holds csvvalue_test.go's cases.
 */
export function parseCsv(text: string): CsvReading {
  let line = text.replace(/\r?\n$/, '');
  if (line === '') return { error: 'it is empty' };
  const fields: string[] = [];
  for (;;) {
    if (!line.startsWith('"')) {
      const comma = line.indexOf(',');
      const field = comma < 0 ? line : line.slice(0, comma);
      if (field.includes('"')) return { error: `a quote (") inside the unquoted field '${field}': quote the whole field, "key=value"` };
      fields.push(field);
      if (comma < 0) return { fields };
      line = line.slice(comma + 1);
      continue;
    }
    let field = '';
    let rest = line.slice(1);
    for (;;) {
      const quote = rest.indexOf('"');
      if (quote < 0) return { error: 'a quoted field is not closed' };
      field += rest.slice(0, quote);
      rest = rest.slice(quote + 1);
      if (rest.startsWith('"')) {
        field += '"';
        rest = rest.slice(1);
      } else break;
    }
    fields.push(field);
    if (rest === '') return { fields };
    if (!rest.startsWith(',')) return { error: `'${rest[0]}' after the closing quote of "${field}": end the field there` };
    line = rest.slice(1);
  }
}

/** `key=value` as one CSV field, quoted when it holds a comma or a quote (as buildx writes its own). */
export function csvPair(key: string, value: string): string {
  const pair = `${key}=${value}`;
  return /[",\r\n]/.test(pair) ? `"${pair.replace(/"/g, '""')}"` : pair;
}
