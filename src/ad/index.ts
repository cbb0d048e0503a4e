/** Automatic differentiation: forward mode (tagged dual numbers) and reverse mode (a flat tape). */
export { Dual, derivative, forwardAlgebra, gradForward, hessianForward, jvp, makeDual, newTag, primalOf, tangentOf, type Num } from './forward';
export { Tape, gradReverse, hessianReverse, hvp, vjp, type TapeOptions } from './reverse';
export { callKernels, type CallKernels } from './kernels';
export { topologicalOrder } from './graph';
