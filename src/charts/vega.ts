// Vega-Lite spec → SVG markup, headless (no canvas, no DOM), measuring text with the shipped font.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { textWidth } from './fonts.ts';

// vega-lite adds Set.prototype.toJSON when it loads, for its own hashing while compiling. Left in place
// it changes JSON.stringify of every Set in the process and breaks discord.js if that loads later
// (its bundled util.inspect chokes on it). So it is installed only for the duration of a compile.
const setToJson = Object.getOwnPropertyDescriptor(Set.prototype, 'toJSON');
if (setToJson !== undefined) Reflect.deleteProperty(Set.prototype, 'toJSON');

function compileSpec(spec: TopLevelSpec, logger: vega.LoggerInterface): vega.Spec {
  if (setToJson !== undefined) Object.defineProperty(Set.prototype, 'toJSON', setToJson);
  try {
    return compile(spec, { logger }).spec;
  } finally {
    if (setToJson !== undefined) Reflect.deleteProperty(Set.prototype, 'toJSON');
  }
}

interface TextItem {
  fontSize?: number | string;
  fontWeight?: number | string;
}

/** Vega's text measurer. Not in its typings, but public: vl-convert replaces it the same way. */
const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } })
  .textMetrics;

function measure(item: TextItem, text: unknown): number {
  const size = item.fontSize === undefined ? 11 : Number(item.fontSize) || 0;
  const weight = item.fontWeight;
  const bold = weight === 'bold' || weight === 'bolder' || Number(weight) >= 600;
  return textWidth(text == null ? '' : String(text).trim(), size, bold);
}

/** A logger that keeps Vega's errors (it logs them and carries on) and drops its warnings. */
function collectingLogger(errors: unknown[]): vega.LoggerInterface {
  const logger = vega.logger(vega.None);
  const error = (...args: readonly unknown[]) => {
    errors.push(args[0]);
    return logger;
  };
  return Object.assign(logger, { error });
}

export interface VegaSvg {
  /** The SVG's children, without its root element, to place inside another SVG. */
  markup: string;
  width: number;
  height: number;
}

/** Renders `spec` to SVG. Deterministic: the same spec gives the same markup. */
export async function renderVegaLite(spec: TopLevelSpec): Promise<VegaSvg> {
  metrics.width = measure;
  const errors: unknown[] = [];
  const logger = collectingLogger(errors);
  const compiled = compileSpec(spec, logger);
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger });
  try {
    // Clip-path ids count up per process; restart them so two renders give the same bytes.
    vega.resetSVGDefIds();
    const svg = await view.toSVG();
    if (errors.length > 0) throw errors[0] instanceof Error ? errors[0] : new Error(String(errors[0]));
    const root = /^<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"[^>]*>/.exec(svg);
    if (root === null || !svg.endsWith('</svg>')) throw new Error('Vega produced no SVG root');
    return {
      markup: svg.slice(root[0].length, -'</svg>'.length),
      width: Number(root[1]),
      height: Number(root[2]),
    };
  } finally {
    view.finalize();
  }
}
