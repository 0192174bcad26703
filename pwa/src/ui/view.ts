import { render, type TemplateResult } from 'lit-html';
import { onLocaleChange } from '@/i18n';

// A screen keeps one state object and one function that draws it. Every change goes
// through `update`, which redraws once per microtask; lit-html patches only the parts
// of the DOM whose values changed, so typed input, focus and scroll survive.
// lit-html escapes every value it puts in text or attributes: user text never becomes markup.

export type Patch<S> = Partial<S> | ((state: S) => Partial<S>);

export interface View<S> {
  /** The state as of the last update (read it in event handlers). */
  readonly state: S;
  /** Merges a patch into the state and schedules one redraw. */
  update(patch: Patch<S>): void;
  /** Redraws now (after a change outside the state, such as the language). */
  redraw(): void;
  /** Stops redrawing (the screen's stop function calls it). */
  stop(): void;
}

export function mount<S extends object>(
  root: HTMLElement,
  initial: S,
  draw: (state: S, view: View<S>) => TemplateResult,
): View<S> {
  let state = initial;
  let scheduled = false;
  // lit-html keeps its part on the node it renders before (the container by default). The shell's
  // main is emptied and reused by the next screen: a part left there by the previous lit screen
  // points at removed nodes, and the next screen would draw nothing. Each mount gets its own anchor.
  const anchor = root.appendChild(document.createComment(''));
  let stopped = false;
  const view: View<S> = {
    get state() {
      return state;
    },
    update(patch) {
      if (stopped) return;
      state = { ...state, ...(typeof patch === 'function' ? patch(state) : patch) };
      if (scheduled) return;
      scheduled = true;
      queueMicrotask(() => {
        scheduled = false;
        if (!stopped) view.redraw();
      });
    },
    redraw() {
      if (!stopped) render(draw(state, view), root, { renderBefore: anchor });
    },
    stop() {
      stopped = true;
      stopLocale();
    },
  };
  const stopLocale = onLocaleChange(() => view.redraw());
  view.redraw();
  return view;
}
