// lit-html remembers what it rendered on a container (its part); the router empties the same <main> for the
// next screen, so a second lit screen rendered straight into it would patch markers that are gone. Each of
// these screens renders into an element of its own, which leaves the layout as it was (display: contents).
export function ownHost(root: HTMLElement): HTMLElement {
  const host = document.createElement('div');
  host.style.display = 'contents';
  root.append(host);
  return host;
}
