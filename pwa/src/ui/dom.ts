import { onLocaleChange, t, type MessageKey, type Params } from '@/i18n';

// Tiny DOM helpers. All text goes in through text nodes or textContent, so
// nothing a user typed (names, notes, messages) can ever become markup.

export type Child = Node | string | number | null | undefined | false | Child[];
export type Props = Record<string, unknown>;

function append(parent: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) child.forEach((c) => append(parent, c));
  else if (child instanceof Node) parent.appendChild(child);
  else parent.appendChild(document.createTextNode(String(child)));
}

/** `h('button', { class: 'btn', onclick, 'data-testid': 'x' }, 'Label')`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith('on') && typeof value === 'function') {
        el.addEventListener(key.slice(2), value as EventListener);
      } else if (key === 'class') {
        el.className = String(value);
      } else if (key === 'style' && typeof value === 'object') {
        Object.assign(el.style, value);
      } else if (key === 'value' && 'value' in el) {
        (el as HTMLInputElement).value = String(value);
      } else {
        el.setAttribute(key, value === true ? '' : String(value));
      }
    }
  }
  children.forEach((c) => append(el, c));
  return el;
}

export function clear(el: Element): void {
  el.replaceChildren();
}

/** Replaces an element's children with freshly built ones. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  children.forEach((c) => append(el, c));
}

/**
 * Static labels that follow the language switch without rebuilding the screen
 * (so typed input survives). Dynamic parts re-render on locale change instead.
 */
export class Texts {
  private readonly updates: Array<() => void> = [];
  private readonly stop: () => void;

  constructor() {
    this.stop = onLocaleChange(() => this.refresh());
  }

  /** Sets `el`'s text to the message now and after every language change. */
  text<E extends Element>(el: E, key: MessageKey | (() => string), params?: Params): E {
    const update = () => {
      el.textContent = typeof key === 'function' ? key() : t(key, params);
    };
    update();
    this.updates.push(update);
    return el;
  }

  attr<E extends Element>(el: E, name: string, key: MessageKey, params?: Params): E {
    const update = () => el.setAttribute(name, t(key, params));
    update();
    this.updates.push(update);
    return el;
  }

  /** Any other work to redo on a language change (re-rendering a list, say). */
  on(update: () => void): void {
    this.updates.push(update);
  }

  refresh(): void {
    this.updates.forEach((fn) => fn());
  }

  dispose(): void {
    this.stop();
    this.updates.length = 0;
  }
}

/** A bound message: `tx(texts, 'span', 'nav.home', { class: 'x' })`. */
export function tx<K extends keyof HTMLElementTagNameMap>(
  texts: Texts,
  tag: K,
  key: MessageKey | (() => string),
  props: Props | null = null,
): HTMLElementTagNameMap[K] {
  return texts.text(h(tag, props), key);
}

export function prefersReducedMotion(): boolean {
  return window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
}
