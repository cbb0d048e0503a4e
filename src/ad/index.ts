/** Automatic differentiation: forward mode (tagged dual numbers) and reverse mode (a flat tape). */
export { Dual, derivative, forwardAlgebra, gradForward, hessianForward, jvp, makeDual, newTag, primalOf, tangentOf, type Num } from './forward';
export { Tape, gradReverse, hessianReverse, hvp, vjp, type TapeOptions } from './reverse';
export { callKernels, type CallKernels } from './kernels';
export { schedule, topologicalOrder, type Schedule } from './graph';
export { VectorEngine, vectorEngine, vectorTape, paramVector, paramOffsets, type VectorTape, type Slot, type GradientResult } from './vector';
export { dataSet, rowInputs, scalarColumns, columnNames, type DataSet, type DataSource, type RowInput, type ColumnSource } from './dataset';
export { linearStructure, reducedModel, channelValues, channelGram, type LinearStructure, type Channel } from './linear';
export { gramSymmetric, gramCross, type Block } from './gram';
