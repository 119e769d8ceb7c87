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
 * A translator over a table of English strings: the host's translation of `id` (keyed `prefix + id`, so one
 * page can take several tables in one map) when it sent one, the English otherwise, `{0}`… filled in.
 */
export function translator<Id extends string>(
  english: Readonly<Record<Id, string>>,
  translated: Readonly<Record<string, string>> = {},
  prefix = '',
): (id: Id, ...args: (string | number)[]) => string {
  return (id, ...args) => {
    const own = translated[prefix + id];
    return format(typeof own === 'string' ? own : english[id], ...args);
  };
}
