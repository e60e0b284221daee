/**
 * The geometry of one NHWC 2-D convolution as tfjs runs it: sizes, strides and the zero padding on
 * each side, resolved from the `Conv2D` kernel's attributes ('same', 'valid', a number or explicit
 * padding) by tfjs's own `computeConv2DInfo`, so the gradients pad exactly as the forward did.
 *
 * With xp the input zero-padded by (top, bottom, left, right), the forward is
 *
 *     y[n, i, j, o] = Σ_{a, b, c} xp[n, s_h·i + a, s_w·j + b, c] · w[a, b, c, o].
 */
import { tf } from '../tf.js';

/** Shapes, strides and padding of one conv y = conv2d(x, w) (NHWC input, HWIO filter), shared by its gradients. */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
}

/** Conv2D attributes as tfjs passes them to kernels and gradients. */
export interface Conv2DAttributes {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW';
}

/** Resolves the geometry of conv2d(x, filter) with `attrs`; only NHWC and dilation 1 are supported. */
export function convGeometry(
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: Conv2DAttributes,
): ConvGeometry {
  if (attrs.dataFormat === 'NCHW') throw new Error('conv2d gradient: only NHWC (channelsLast) is supported');
  const dil = attrs.dilations ?? 1;
  const [dh, dw] = typeof dil === 'number' ? [dil, dil] : dil;
  if (dh !== 1 || dw !== 1) throw new Error(`conv2d gradient: dilation ${dh}×${dw} is not supported (only 1)`);
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast',
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padBottom: info.padInfo.bottom,
    padLeft: info.padInfo.left,
    padRight: info.padInfo.right,
  };
}

/** Height of the padded input xp. */
export function paddedHeight(g: ConvGeometry): number {
  return g.inHeight + g.padTop + g.padBottom;
}

/** Width of the padded input xp. */
export function paddedWidth(g: ConvGeometry): number {
  return g.inWidth + g.padLeft + g.padRight;
}

/** Multiply-adds ×2 of the forward convolution: 2·N·Ho·Wo·kh·kw·Cin·Cout. */
export function convFlops(g: ConvGeometry): number {
  return 2 * g.batch * g.outHeight * g.outWidth * g.filterHeight * g.filterWidth * g.inChannels * g.outChannels;
}
