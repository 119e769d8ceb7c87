// The one `{0}` formatter: host string tables, the pages' tables and the host's error messages fill their
// placeholders with it. Pure (neither vscode nor DOM), so every root can import it.

/** Fills `{0}`, `{1}`, … with `args` in order; a placeholder without an argument stays as written. */
export function format(template: string, ...args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (placeholder, index: string) => {
    const arg = args[Number(index)];
    return arg !== undefined ? String(arg) : placeholder;
  });
}

/**
 * A page's translator over the host's strings, keyed `<prefix><id>` (so a page can take the host's whole string
 * map), falling back to the English `table` for any id the host did not send.
 */
export function prefixedTranslate<Id extends string>(
  table: Readonly<Record<Id, string>>,
  prefix: string,
  translated: Readonly<Record<string, string>> = {},
): (id: Id, ...args: (string | number)[]) => string {
  return (id, ...args) => {
    const own = translated[prefix + id];
    return format(typeof own === 'string' ? own : table[id], ...args);
  };
}
