"""Choosing each candidate's next token from llama.cpp's logits, in numpy.

Rows of one batch share the work: one log-sum-exp pass per row gives every row's
log-probability scale; sampled rows then look only at their most likely tokens.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

# Nucleus sampling first looks at tokens within this factor of the most likely
# one: usually a few hundred of 262k. The result is exact whenever they already
# hold `top_p` of the mass (every token left out is less likely than every token
# kept); otherwise the whole row is sorted.
_POOL_RATIO = 1e-4

FloatRow = npt.NDArray[np.float32]


def log_normalizers(logits: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    """log Σ exp(row) for every row of `logits` (rows, vocab); -inf entries are left out."""
    peak = logits.max(axis=1, keepdims=True)
    shifted = np.subtract(logits, peak, dtype=np.float32)
    np.exp(shifted, out=shifted)
    normalizers: npt.NDArray[np.float64] = np.log(shifted.sum(axis=1, dtype=np.float64))
    normalizers += peak[:, 0]
    return normalizers


def choose(row: FloatRow, temperature: float, top_p: float, rng: np.random.Generator) -> int:
    """Argmax when `temperature` is 0, else a nucleus sample of the scaled distribution."""
    best = int(row.argmax())
    if temperature <= 0:
        return best
    scaled = np.subtract(row, row[best], dtype=np.float32)
    scaled /= temperature
    np.exp(scaled, out=scaled)  # unnormalized: the most likely token has 1
    nucleus = top_p * float(scaled.sum(dtype=np.float64))
    pool = np.flatnonzero(scaled >= _POOL_RATIO)
    if float(scaled[pool].sum(dtype=np.float64)) < nucleus:  # rare: a very flat row
        pool = np.flatnonzero(scaled > 0)
    probs = scaled[pool].astype(np.float64)
    order = np.argsort(-probs, kind="stable")
    probs, pool = probs[order], pool[order]
    # Keep a token while the mass before it is below top_p: the token that crosses
    # the threshold stays in, so the nucleus is never empty.
    keep = (np.cumsum(probs) - probs) < nucleus
    kept = probs[keep]
    return int(pool[keep][rng.choice(len(kept), p=kept / kept.sum())])
