// The text demo's two next-character models, built from kiln's sequence layers. bench/text_lm.py
// builds the same two in PyTorch, with the same initialisation.
import { Tensor } from '../../lib/tensor';
import { Generator } from '../../lib/random';
import * as nn from '../../lib/nn';
import { PAD, VOCAB_SIZE } from './data';

/** The (t, t) float causal mask: 0 on and below the diagonal, -Infinity above (a position sees only its past). */
export function causalMask(t: number): Tensor {
  const m = new Float32Array(t * t);
  for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) m[i * t + j] = -Infinity;
  return new Tensor(m, [t, t]);
}

/** A pre-norm transformer block: x + attn(norm1(x)), then x + fc2(gelu(fc1(norm2(x)))), with RMSNorm. */
export class Block extends nn.Module {
  norm1: nn.RMSNorm;
  attn: nn.MultiheadAttention;
  norm2: nn.RMSNorm;
  fc1: nn.Linear;
  fc2: nn.Linear;
  act = new nn.GELU();

  constructor(dModel: number, nhead: number, dimFeedforward: number) {
    super();
    this.norm1 = new nn.RMSNorm(dModel);
    this.attn = new nn.MultiheadAttention(dModel, nhead, { batchFirst: true });
    this.norm2 = new nn.RMSNorm(dModel);
    this.fc1 = new nn.Linear(dModel, dimFeedforward);
    this.fc2 = new nn.Linear(dimFeedforward, dModel);
  }

  override forward(x: Tensor, mask: Tensor): Tensor {
    const h = this.norm1.forward(x);
    x = x.add(this.attn.forward(h, h, h, { attnMask: mask, needWeights: false })[0]);
    return x.add(this.fc2.forward(this.act.forward(this.fc1.forward(this.norm2.forward(x)))));
  }
}

/** Sizes of CharGPT. */
export interface GptConfig {
  /** Positions (maxLen + 1). */
  blockSize: number;
  dModel: number;
  nhead: number;
  numLayers: number;
  dimFeedforward: number;
}

/**
 * A small GPT over characters (Radford et al. 2019, with RMSNorm): token plus learned position
 * embeddings, pre-norm blocks with causal self-attention, a final RMSNorm and a linear head.
 * Input (B, t) token ids, output (B, t, VOCAB_SIZE) logits of the next character.
 */
export class CharGPT extends nn.Module {
  tok: nn.Embedding;
  pos: nn.Embedding;
  blocks: nn.ModuleList;
  norm: nn.RMSNorm;
  head: nn.Linear;
  private masks = new Map<number, Tensor>();
  private positions = new Map<number, Tensor>();

  constructor(readonly config: GptConfig, generator: Generator) {
    super();
    const { blockSize, dModel, nhead, numLayers, dimFeedforward } = config;
    this.tok = new nn.Embedding(VOCAB_SIZE, dModel, { paddingIdx: PAD });
    this.pos = new nn.Embedding(blockSize, dModel);
    this.blocks = new nn.ModuleList(Array.from({ length: numLayers }, () => new Block(dModel, nhead, dimFeedforward)));
    this.norm = new nn.RMSNorm(dModel);
    this.head = new nn.Linear(dModel, VOCAB_SIZE);
    // GPT-2's init: weights N(0, 0.02), the two residual projections of each block scaled by
    // 1/sqrt(2 * layers), biases 0, norm weights 1, the padding row 0.
    for (const [name, p] of this.namedParameters()) {
      if (/(^|\.)norm\d?\.weight$/.test(name)) nn.init.ones(p);
      else if (p.ndim === 1) nn.init.zeros(p);
      else if (/(out_proj|fc2)\.weight$/.test(name)) nn.init.normal(p, 0, 0.02 / Math.sqrt(2 * numLayers), { generator });
      else nn.init.normal(p, 0, 0.02, { generator });
    }
    this.tok.weight.data.fill(0, PAD * dModel, (PAD + 1) * dModel);
  }

  override forward(ids: Tensor): Tensor {
    const t = ids.shape[1];
    if (!this.masks.has(t)) {
      this.masks.set(t, causalMask(t));
      this.positions.set(t, new Tensor(Float32Array.from({ length: t }, (_, i) => i), [t]));
    }
    const mask = this.masks.get(t)!;
    let h = this.tok.forward(ids).add(this.pos.forward(this.positions.get(t)!));
    for (const b of this.blocks.children()) h = (b as Block).forward(h, mask);
    return this.head.forward(this.norm.forward(h));
  }
}

/** Sizes of CharLSTM. */
export interface LstmConfig {
  embeddingDim: number;
  hiddenSize: number;
  numLayers: number;
}

/**
 * A character LSTM (Hochreiter & Schmidhuber 1997): embedding, a stacked LSTM, LayerNorm and a
 * linear head. Recurrent weights are orthogonal per gate block (Saxe et al. 2013) and the
 * forget gate's input bias starts at 1 (Jozefowicz et al. 2015); the rest keeps PyTorch's
 * defaults. Input (B, t) token ids, output (B, t, VOCAB_SIZE) logits of the next character.
 */
export class CharLSTM extends nn.Module {
  tok: nn.Embedding;
  lstm: nn.LSTM;
  norm: nn.LayerNorm;
  head: nn.Linear;

  constructor(readonly config: LstmConfig, generator: Generator) {
    super();
    const { embeddingDim, hiddenSize: H, numLayers } = config;
    this.tok = new nn.Embedding(VOCAB_SIZE, embeddingDim, { paddingIdx: PAD });
    this.lstm = new nn.LSTM(embeddingDim, H, { numLayers, batchFirst: true });
    this.norm = new nn.LayerNorm(H);
    this.head = new nn.Linear(H, VOCAB_SIZE);
    for (const [name, p] of this.lstm.namedParameters()) {
      if (/^weight_?hh/i.test(name)) {
        // Gates i, f, g, o each get their own H x H orthogonal block.
        const block = new Tensor(new Float32Array(H * H), [H, H]);
        for (let g = 0; g < 4; g++) p.data.set(nn.init.orthogonal(block, { generator }).data, g * H * H);
      } else if (/^bias_?ih/i.test(name)) {
        p.data.fill(1, H, 2 * H);
      } else if (/^bias_?hh/i.test(name)) {
        p.data.fill(0, H, 2 * H);
      }
    }
  }

  override forward(ids: Tensor): Tensor {
    const [out] = this.lstm.forward(this.tok.forward(ids));
    return this.head.forward(this.norm.forward(out));
  }
}

/**
 * AdamW's two param groups: weight matrices decay; biases, norm weights and embedding tables do
 * not (a rare character's row would otherwise shrink toward 0 between its updates).
 */
export function decayGroups(model: nn.Module, weightDecay: number): { params: Tensor[]; weightDecay: number }[] {
  const tables = new Set<Tensor>(model.modules().filter((m): m is nn.Embedding => m instanceof nn.Embedding).map((m) => m.weight));
  const decay: Tensor[] = [];
  const exempt: Tensor[] = [];
  for (const p of model.parameters()) (p.ndim >= 2 && !tables.has(p) ? decay : exempt).push(p);
  return [
    { params: decay, weightDecay },
    { params: exempt, weightDecay: 0 },
  ];
}
