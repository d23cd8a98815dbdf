// icons.ts: the gutter icons, as SVG text. `npm run icons` writes them to
// media/<key>-<theme>.svg; a unit test fails when media/ drifts from here.
// Pure: no `vscode` import.
//
// Colour-blind safe: each kind has its own shape, so nothing depends on
// telling colours apart (Okabe-Ito palette on top):
//   covered    solid bar at the left edge          bluish green
//   uncovered  triangle pointing at the code       orange
//   partial    wide bar, upper half solid          blue
//   failed     cross                               vermillion
// Stale marks keep the shape, drawn hollow, dashed and grey (a stale
// partial bar is split by a line across its middle).

import { DecorationKey, MarkKind } from './model';

export type Theme = 'light' | 'dark';
export const THEMES: readonly Theme[] = ['light', 'dark'];

const COLOURS: Record<MarkKind | 'stale', Record<Theme, string>> = {
  covered: { light: '#007A59', dark: '#2FB58C' },
  uncovered: { light: '#C98A00', dark: '#E69F00' },
  partial: { light: '#0072B2', dark: '#56B4E9' },
  failed: { light: '#C25400', dark: '#FF7A33' },
  stale: { light: '#767676', dark: '#9A9A9A' },
};

function shape(kind: MarkKind, colour: string, hollow: boolean): string {
  const fill = hollow ? 'none' : colour;
  const stroke = `stroke="${colour}" stroke-width="1.5"`;
  const dash = hollow ? ' stroke-dasharray="2 1.5"' : '';
  switch (kind) {
    case 'covered':
      return `<rect x="2.75" y="0.75" width="3.5" height="14.5" fill="${fill}" ${stroke}${dash}/>`;
    case 'uncovered':
      return `<path d="M2.75 2.75 L12.5 8 L2.75 13.25 Z" fill="${fill}" ${stroke}${dash} stroke-linejoin="round"/>`;
    case 'partial':
      // Wider than the covered bar, so the hollow lower half shows.
      return (
        `<rect x="1.75" y="0.75" width="5.5" height="14.5" fill="none" ${stroke}${dash}/>` +
        (hollow
          ? `<path d="M1.75 8 H7.25" ${stroke}/>`
          : `<rect x="1.75" y="0.75" width="5.5" height="7.25" fill="${colour}"/>`)
      );
    case 'failed':
      return (
        `<path d="M3 3 L13 13 M13 3 L3 13" stroke="${colour}" ` +
        `stroke-width="${hollow ? 1.5 : 3}" stroke-linecap="round"${dash}/>`
      );
  }
}

/** The SVG of the icon for decoration `key` in `theme`. */
export function iconSvg(key: DecorationKey, theme: Theme): string {
  const stale = key.startsWith('stale-');
  const kind = (stale ? key.slice('stale-'.length) : key) as MarkKind;
  const colour = COLOURS[stale ? 'stale' : kind][theme];
  return (
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">' +
    shape(kind, colour, stale) +
    '</svg>\n'
  );
}

/** File name of an icon below media/. */
export function iconFile(key: DecorationKey, theme: Theme): string {
  return `${key}-${theme}.svg`;
}
