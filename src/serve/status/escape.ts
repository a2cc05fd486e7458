/** Every value the status page prints goes through here: nothing from config or a device is trusted as markup. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A fragment id for a configured name (output or device), safe in an attribute and a URL fragment. */
export function anchorId(kind: 'output' | 'device', name: string): string {
  return `${kind}-${name.replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.charCodeAt(0).toString(16)}`)}`;
}
