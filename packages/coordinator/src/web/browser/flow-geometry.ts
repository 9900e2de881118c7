/**
 * Where things go on the message-flow diagram: lanes from the top, time from the left margin.
 * Plain numbers only (no DOM), so the browser tests place their clicks with the page's own rules.
 */

export const LEFT = 64;
export const TOP = 26;
export const RIGHT = 8;

export interface FlowView {
  t0: number;
  t1: number;
  width: number;
  height: number;
  laneHeight: number;
}

/** Lanes share about 640 px, each between 3 and 36 px high. */
export const laneHeightFor = (lanes: number): number => Math.max(3, Math.min(36, Math.floor(640 / Math.max(1, lanes))));
export const laneY = (view: FlowView, lane: number): number => TOP + lane * view.laneHeight + view.laneHeight / 2;
export const timeX = (view: FlowView, t: number): number => LEFT + ((t - view.t0) / (view.t1 - view.t0)) * (view.width - LEFT - RIGHT);
export const xTime = (view: FlowView, x: number): number => view.t0 + ((x - LEFT) / (view.width - LEFT - RIGHT)) * (view.t1 - view.t0);
