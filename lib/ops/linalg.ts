// matmul with torch.matmul's rules: 1-D operands are promoted and the added dimension
// removed; batch dimensions broadcast. Each product is one native sgemm call (native/kernels/gemm.cc).
import { Tensor, fromOp, checkTensor } from '../tensor';
import { broadcastShapes, formatShape, numelOf } from '../shape';
import { native } from '../native';
import { rangeErrorText } from '../errors';

export function matmul(a: Tensor, b: Tensor): Tensor {
  const where = 'Tensor.matmul';
  checkTensor(where, 'input', a);
  checkTensor(where, 'other', b);
  if (a.ndim === 0 || b.ndim === 0) {
    throw rangeErrorText(where, 'at least 1 dimension each', 'input and other', `${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const aShape = a.ndim === 1 ? [1, a.shape[0]] : a.shape;
  const bShape = b.ndim === 1 ? [b.shape[0], 1] : b.shape;
  const M = aShape[aShape.length - 2];
  const K = aShape[aShape.length - 1];
  const K2 = bShape[bShape.length - 2];
  const N = bShape[bShape.length - 1];
  if (K !== K2) {
    throw rangeErrorText(where, 'shapes that can be multiplied', 'input and other', `${formatShape(a.shape)} and ${formatShape(b.shape)} (${K} != ${K2})`);
  }
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  // (..., M, K) @ (K, N): one GEMM over all leading rows.
  const flatA = bBatch.length === 0;
  const batch = flatA ? [] : broadcastShapes(where, aBatch, bBatch, ['input batch', 'other batch']);
  const outShape = flatA ? [...aBatch, M, N] : [...batch, M, N];
  const rows = flatA ? numelOf(aBatch) * M : M;
  const B = numelOf(batch);
  const out = new Float32Array(numelOf(outShape));
  // Offsets of each batch's matrices, with broadcasting over batch dimensions.
  const offsets = (shape: number[], full: number[], size: number): number[] => {
    const res: number[] = [];
    const pad = full.length - shape.length;
    for (let i = 0; i < B; i++) {
      let rem = i;
      let off = 0;
      let stride = 1;
      for (let d = full.length - 1; d >= 0; d--) {
        const idx = rem % full[d];
        rem = Math.floor(rem / full[d]);
        const sd = d - pad >= 0 ? shape[d - pad] : 1;
        if (sd !== 1) off += idx * stride;
        stride *= sd;
      }
      res.push(off * size);
    }
    return res;
  };
  const aOff = flatA ? [0] : offsets(aBatch, batch, M * K);
  const bOff = flatA ? [0] : offsets(bBatch, batch, K * N);
  const sub = (buf: Float32Array, off: number, len: number) => (off === 0 && len === buf.length ? buf : buf.subarray(off, off + len));
  if (flatA) native.sgemm(out, a.data, b.data, rows, N, K, false, false, 0);
  else for (let i = 0; i < B; i++) native.sgemm(sub(out, i * M * N, M * N), sub(a.data, aOff[i], M * K), sub(b.data, bOff[i], K * N), M, N, K, false, false, 0);

  let finalShape = outShape;
  if (a.ndim === 1) finalShape = finalShape.filter((_, i) => i !== finalShape.length - 2);
  if (b.ndim === 1) finalShape = finalShape.slice(0, -1);
  return fromOp(out, finalShape, [a, b], 'matmul', (g) => {
    let ga: Float32Array | null = null;
    let gb: Float32Array | null = null;
    if (a.requiresGrad) {
      // dA = dC @ B^T (accumulated over batches that broadcast A)
      ga = new Float32Array(a.numel);
      if (flatA) native.sgemm(ga, g, b.data, rows, K, N, false, true, 0);
      else for (let i = 0; i < B; i++) native.sgemm(sub(ga, aOff[i], M * K), sub(g, i * M * N, M * N), sub(b.data, bOff[i], K * N), M, K, N, false, true, 1);
    }
    if (b.requiresGrad) {
      // dB = A^T @ dC
      gb = new Float32Array(b.numel);
      if (flatA) native.sgemm(gb, a.data, g, K, N, rows, true, false, 0);
      else for (let i = 0; i < B; i++) native.sgemm(sub(gb, bOff[i], K * N), sub(a.data, aOff[i], M * K), sub(g, i * M * N, M * N), K, N, M, true, false, 1);
    }
    return [ga, gb];
    // The backward reads both operands, not the result (fromOp's `saved`).
  }, [a.data, b.data]);
}
