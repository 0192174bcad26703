// The medals and the streak's flame, drawn in SVG from constant markup only (names and other
// user text never go in here; they are text nodes next to the art).

const GLYPHS: Record<string, string> = {
  first_deal: '<path d="m5 12.5 4.5 4.5L19 7.5"/>',
  visits_day: '<path d="M12 21s-7-6.2-7-11.5a7 7 0 0 1 14 0C19 14.8 12 21 12 21Z"/><circle cx="12" cy="9.5" r="2.5"/>',
  streak: '<path d="M12 3c1 4 5.5 5.5 5.5 10.5a5.5 5.5 0 0 1-11 0c0-2.6 1.4-3.8 2.2-5.4.9 1.5 1.5 2.2 2.6 2.4C11 7.6 11 5.2 12 3Z"/>',
  target_month: '<circle cx="12" cy="12" r="8"/><circle cx="12" cy="12" r="4.5"/><circle cx="12" cy="12" r="1"/>',
  top3_month: '<path d="M8 21h8"/><path d="M12 17v4"/><path d="M7 4h10v5a5 5 0 0 1-10 0V4Z"/><path d="M17 5h3v2a3 3 0 0 1-3 3"/><path d="M7 5H4v2a3 3 0 0 0 3 3"/>',
  custom: '<path d="M12 3.5l2.6 5.3 5.9.9-4.25 4.1 1 5.8L12 16.9l-5.25 2.7 1-5.8L3.5 9.7l5.9-.9z"/>',
};

function svg(markup: string): SVGSVGElement {
  const template = document.createElement('template');
  template.innerHTML = markup;
  return template.content.firstElementChild as SVGSVGElement;
}

/** A medal on a ribbon; its colours come from the `medal-<kind>` class (grey while locked). */
export function medalArt(kind: string): SVGSVGElement {
  const glyph = GLYPHS[kind] ?? GLYPHS.custom!;
  return svg(
    '<svg class="medal-art" viewBox="0 0 64 76" width="64" height="76" aria-hidden="true" focusable="false">' +
      '<path class="medal-ribbon-a" d="M18 0h12l8 22H26z"/><path class="medal-ribbon-b" d="M46 0H34l-8 22h12z"/>' +
      '<circle class="medal-rim" cx="32" cy="48" r="27"/><circle class="medal-face" cx="32" cy="48" r="22"/>' +
      `<g transform="translate(20 36)" fill="none" stroke="#fff" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round">${glyph}</g>` +
      '</svg>',
  );
}

/** The streak's flame: lit while the streak runs, grey at zero. */
export function flameArt(): SVGSVGElement {
  return svg(
    '<svg class="flame-art" viewBox="0 0 48 60" width="48" height="60" aria-hidden="true" focusable="false">' +
      '<path class="flame-outer" d="M24 2c2 9 16 14 16 32a16 16 0 0 1-32 0c0-8 4.5-12 7-17 2.6 4.2 4.4 6.2 7.6 6.8C21 16 21 9 24 2Z"/>' +
      '<path class="flame-inner" d="M24 30c1 4.5 8 7 8 14a8 8 0 0 1-16 0c0-4 2.2-6 3.5-8.5 1.2 2 2.2 3 3.8 3.4C23 36 23 33 24 30Z"/>' +
      '</svg>',
  );
}
