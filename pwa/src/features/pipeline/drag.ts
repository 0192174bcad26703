// Dragging deal cards between columns with pointer events. A mouse drags as soon as
// it moves; a finger drags from the card's handle at once, or from anywhere on the
// card after a long press, so a plain swipe still scrolls the board sideways.
import '@/features/pipeline/pipeline.css';
import { edgeSpeed } from '@/features/pipeline/logic';

const LONG_PRESS_MS = 380;
/** How far a finger may wander during the long press before it counts as a scroll. */
const TOUCH_SLOP_PX = 10;
/** How far a mouse moves before a press becomes a drag (a click stays a click). */
const MOUSE_SLOP_PX = 6;

export interface DragOptions {
  /** The horizontal scroller holding the columns. */
  board: HTMLElement;
  canDrag: (card: HTMLElement) => boolean;
  onDrop: (dealId: string, stageKey: string) => void;
}

interface Press {
  card: HTMLElement;
  pointerId: number;
  startX: number;
  startY: number;
  touch: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

interface Drag {
  card: HTMLElement;
  pointerId: number;
  ghost: HTMLElement;
  offsetX: number;
  offsetY: number;
  x: number;
  y: number;
  fromKey: string;
  over: HTMLElement | null;
  frame: number;
}

const COLUMN = '[data-testid="pipeline-column"]';
/** How far beside a column (in the gaps, the board's edge padding) a drop still counts for it. */
const NEAR_COLUMN_PX = 40;

const columnOf = (el: Element | null) => el?.closest<HTMLElement>(COLUMN) ?? null;

/** The column under the point, or the visible one right beside it. */
function columnAt(board: HTMLElement, x: number, y: number): HTMLElement | null {
  const hit = columnOf(document.elementFromPoint(x, y));
  if (hit) return hit;
  const area = board.getBoundingClientRect();
  if (y < area.top || y > area.bottom) return null;
  let best: HTMLElement | null = null;
  let distance = NEAR_COLUMN_PX;
  for (const column of board.querySelectorAll<HTMLElement>(COLUMN)) {
    const r = column.getBoundingClientRect();
    if (r.right < area.left || r.left > area.right) continue;
    const d = x < r.left ? r.left - x : x > r.right ? x - r.right : 0;
    if (d <= distance) {
      best = column;
      distance = d;
    }
  }
  return best;
}

/** Wires dragging into `board` (by delegation, so re-rendered cards need nothing); returns the off switch. */
export function enableDrag({ board, canDrag, onDrop }: DragOptions): () => void {
  let press: Press | null = null;
  let drag: Drag | null = null;

  const cancelPress = () => {
    if (press?.timer) clearTimeout(press.timer);
    press?.card.classList.remove('is-pressing');
    press = null;
  };

  const start = (x: number, y: number) => {
    if (!press) return;
    const { card, pointerId } = press;
    cancelPress();
    const rect = card.getBoundingClientRect();
    const ghost = card.cloneNode(true) as HTMLElement;
    ghost.classList.add('deal-ghost');
    ghost.removeAttribute('data-testid');
    ghost.setAttribute('aria-hidden', 'true');
    ghost.style.width = `${rect.width}px`;
    document.body.append(ghost);
    card.classList.add('is-drag-source');
    // Snapping would pull every auto-scroll step back to the column it started from.
    board.classList.add('is-dragging');
    document.body.classList.add('is-dragging-deal');
    navigator.vibrate?.(12);
    drag = {
      card,
      pointerId,
      ghost,
      offsetX: x - rect.left,
      offsetY: y - rect.top,
      x,
      y,
      fromKey: columnOf(card)?.dataset.stageKey ?? '',
      over: null,
      frame: requestAnimationFrame(tick),
    };
    follow();
  };

  const follow = () => {
    if (!drag) return;
    drag.ghost.style.transform = `translate(${drag.x - drag.offsetX}px, ${drag.y - drag.offsetY}px) rotate(2deg)`;
    const over = columnAt(board, drag.x, drag.y);
    const target = over && over.dataset.stageKey !== drag.fromKey ? over : null;
    if (target !== drag.over) {
      drag.over?.classList.remove('is-drop-target');
      target?.classList.add('is-drop-target');
      drag.over = target;
    }
  };

  // Near an edge the board (sideways) and the page (up and down) scroll by themselves.
  function tick(): void {
    if (!drag) return;
    const rect = board.getBoundingClientRect();
    const dx = edgeSpeed(drag.x, rect.left, rect.right, 56, 12);
    const dy = edgeSpeed(drag.y, 0, window.innerHeight, 72, 14);
    if (dx) board.scrollLeft += dx;
    if (dy) window.scrollBy(0, dy);
    if (dx || dy) follow();
    drag.frame = requestAnimationFrame(tick);
  }

  const finish = (drop: boolean) => {
    if (!drag) return;
    const { card, ghost, over, frame } = drag;
    cancelAnimationFrame(frame);
    ghost.remove();
    card.classList.remove('is-drag-source');
    over?.classList.remove('is-drop-target');
    board.classList.remove('is-dragging');
    document.body.classList.remove('is-dragging-deal');
    drag = null;
    // The click that ends a drag must not open the card's link.
    const swallow = (event: Event) => {
      event.preventDefault();
      event.stopPropagation();
    };
    window.addEventListener('click', swallow, { capture: true, once: true });
    setTimeout(() => window.removeEventListener('click', swallow, { capture: true }), 0);
    const dealId = card.dataset.dealId;
    if (drop && over?.dataset.stageKey && dealId) onDrop(dealId, over.dataset.stageKey);
  };

  const onPointerDown = (event: PointerEvent) => {
    if (drag || press || !event.isPrimary || (event.pointerType === 'mouse' && event.button !== 0)) return;
    const target = event.target as Element;
    const card = target.closest<HTMLElement>('[data-testid="deal-card"]');
    if (!card || !canDrag(card)) return;
    const onHandle = Boolean(target.closest('[data-drag-handle]'));
    // Buttons keep their taps, except the handle (which is one to drag by).
    if (!onHandle && target.closest('button, input, textarea, select')) return;
    const touch = event.pointerType !== 'mouse';
    press = { card, pointerId: event.pointerId, startX: event.clientX, startY: event.clientY, touch };
    if (onHandle && touch) {
      event.preventDefault();
      start(event.clientX, event.clientY);
    } else if (touch) {
      card.classList.add('is-pressing');
      press.timer = setTimeout(() => start(press?.startX ?? 0, press?.startY ?? 0), LONG_PRESS_MS);
    }
  };

  const onPointerMove = (event: PointerEvent) => {
    if (drag && event.pointerId === drag.pointerId) {
      drag.x = event.clientX;
      drag.y = event.clientY;
      follow();
      return;
    }
    if (!press || event.pointerId !== press.pointerId) return;
    const distance = Math.hypot(event.clientX - press.startX, event.clientY - press.startY);
    if (press.touch) {
      if (distance > TOUCH_SLOP_PX) cancelPress(); // a scroll, not a long press
    } else if (distance > MOUSE_SLOP_PX) {
      start(event.clientX, event.clientY);
      if (drag) {
        drag.x = event.clientX;
        drag.y = event.clientY;
        follow();
      }
    }
  };

  const onPointerUp = (event: PointerEvent) => {
    if (drag && event.pointerId === drag.pointerId) finish(true);
    else if (press && event.pointerId === press.pointerId) cancelPress();
  };

  const onPointerCancel = (event: PointerEvent) => {
    if (drag && event.pointerId === drag.pointerId) finish(false);
    else if (press && event.pointerId === press.pointerId) cancelPress();
  };

  // While dragging, a finger's move must not scroll the page (which would cancel the
  // pointer); only a non-passive touchmove listener can say so.
  const onTouchMove = (event: TouchEvent) => {
    if (drag) event.preventDefault();
  };
  // A long press would otherwise open the link's context menu or select text.
  const onContextMenu = (event: Event) => {
    if (press || drag) event.preventDefault();
  };
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && drag) finish(false);
  };

  board.addEventListener('pointerdown', onPointerDown);
  board.addEventListener('touchmove', onTouchMove, { passive: false });
  board.addEventListener('contextmenu', onContextMenu);
  window.addEventListener('pointermove', onPointerMove);
  window.addEventListener('pointerup', onPointerUp);
  window.addEventListener('pointercancel', onPointerCancel);
  window.addEventListener('keydown', onKey);
  return () => {
    cancelPress();
    finish(false);
    board.removeEventListener('pointerdown', onPointerDown);
    board.removeEventListener('touchmove', onTouchMove);
    board.removeEventListener('contextmenu', onContextMenu);
    window.removeEventListener('pointermove', onPointerMove);
    window.removeEventListener('pointerup', onPointerUp);
    window.removeEventListener('pointercancel', onPointerCancel);
    window.removeEventListener('keydown', onKey);
  };
}
