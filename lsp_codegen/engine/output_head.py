"""A faster output projection for decoding a few rows on the CPU.

The projection onto a large vocabulary (262k tokens for Gemma) dominates a
decode step. `x @ W.T` with a few rows runs 2–4× slower on the CPU than the
same product computed as `(W @ x.T).T`, which streams the weight matrix in its
stored order (measured on this project's 2-core machines: 4 rows, 118 ms → 51
ms). Same weights, same result up to float rounding; models that post-process
logits (soft-capping, scaling) still do so, since only the Linear is replaced.
"""

from __future__ import annotations

import torch
from torch import nn

# Up to this many rows the transposed product wins; a prompt's prefill (many rows)
# keeps the ordinary kernel.
_MAX_FAST_ROWS = 16


class DecodeHead(nn.Module):
    """Wraps a bias-free `nn.Linear` output head; shares its weight (ties stay tied)."""

    def __init__(self, linear: nn.Linear) -> None:
        super().__init__()
        self.weight = linear.weight
        self.in_features = linear.in_features
        self.out_features = linear.out_features

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        """Logits for `hidden` (..., in_features) → (..., out_features)."""
        rows = hidden.reshape(-1, self.in_features)
        if rows.shape[0] > _MAX_FAST_ROWS or hidden.device.type != "cpu":
            return nn.functional.linear(hidden, self.weight)
        logits = torch.mm(self.weight, rows.T).T
        return logits.reshape(*hidden.shape[:-1], self.out_features)


def install_decode_head(model: nn.Module) -> bool:
    """Swap the model's output head for `DecodeHead` when it is a plain Linear."""
    get_head = getattr(model, "get_output_embeddings", None)
    set_head = getattr(model, "set_output_embeddings", None)
    head = get_head() if get_head is not None else None
    if not isinstance(head, nn.Linear) or head.bias is not None or set_head is None:
        return False
    set_head(DecodeHead(head))
    return True
