// The public API's fuzz table: every function, constructor and method of API.md (and the
// extras kiln exports), one entry each, by area. To add a layer: an entry for its constructor
// (its options through optionsKind) and one for its forward, as nn.Linear's in api-nn.ts.
import type { Entry } from './engine';
import { CORE_TABLE } from './api-core';
import { NN_TABLE } from './api-nn';
import { TRAIN_TABLE } from './api-train';
import { SEQ_TABLE } from './api-seq';
import { OPS2_TABLE } from './api-ops2';
import { ATTN_TABLE } from './api-attn';
import { RNN_TABLE } from './api-rnn';

export const API_TABLE: Entry[] = [...CORE_TABLE, ...NN_TABLE, ...TRAIN_TABLE, ...SEQ_TABLE, ...OPS2_TABLE, ...ATTN_TABLE, ...RNN_TABLE];
