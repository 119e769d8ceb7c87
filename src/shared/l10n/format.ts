// The one `{0}` formatter: host string tables, the pages' tables and the host's error messages fill their
// placeholders with it. Pure (neither vscode nor DOM), so every root can import it.

/** Fills `{0}`, `{1}`, … with `args` in order; a placeholder without an argument stays as written. */
export function format(template: string, ...args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (placeholder, index: string) => {
    const arg = args[Number(index)];
    return arg !== undefined ? String(arg) : placeholder;
  });
}
