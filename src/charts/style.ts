// The look the /casualties and /trends charts share: transparent frame, the shipped font, axes and
// legend text at one size. Each chart adds only what is its own (legend symbols, spacing).
import { FONT_FAMILY } from './fonts.ts';

export const LABEL_SIZE = 12;

/** Top-level Vega-Lite properties: no background or padding of its own, sized to its content. */
export function chartFrame(legend: Record<string, unknown> = {}) {
  return {
    background: 'transparent',
    padding: 0,
    autosize: { type: 'pad' },
    config: {
      font: FONT_FAMILY,
      view: { stroke: '#dddddd' },
      axis: {
        labelFontSize: LABEL_SIZE,
        titleFontSize: LABEL_SIZE,
        titleFontWeight: 'bold',
        labelColor: '#333333',
        titleColor: '#222222',
        gridColor: '#e8e8e8',
      },
      legend: { labelFontSize: LABEL_SIZE, titleFontSize: LABEL_SIZE, titleFontWeight: 'bold', ...legend },
    },
  } as const;
}
