"""Choosing the next token of every candidate row from one batch of logits."""

from __future__ import annotations

import torch


def choose_tokens(
    logits: torch.Tensor,
    temperature: float,
    top_p: float,
    greedy_rows: torch.Tensor,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Pick one token per row; return (tokens, their log-probabilities).

    `logits` is (rows, vocab). Rows where `greedy_rows` is True take the argmax;
    the others sample from the temperature-scaled distribution cut to the
    smallest set of tokens whose probability reaches `top_p` (nucleus sampling).
    The returned log-probability is always under the model's own distribution
    (temperature 1, no nucleus cut), so candidates decoded greedily and by
    sampling are scored on the same scale.
    """
    logits = logits.float()
    model_logprobs = torch.log_softmax(logits, dim=-1)
    tokens = logits.argmax(dim=-1)
    sampled = ~greedy_rows
    if temperature > 0 and bool(sampled.any()):
        tokens = torch.where(sampled, _sample(logits, temperature, top_p, generator), tokens)
    chosen = model_logprobs.gather(-1, tokens.unsqueeze(-1)).squeeze(-1)
    return tokens, chosen


def _sample(
    logits: torch.Tensor, temperature: float, top_p: float, generator: torch.Generator | None
) -> torch.Tensor:
    """Nucleus sampling over temperature-scaled logits, one token per row."""
    probs = torch.softmax(logits / temperature, dim=-1)
    sorted_probs, order = probs.sort(dim=-1, descending=True)
    # Keep a token while the mass *before* it is below top_p, so the token that
    # crosses the threshold stays in (the nucleus is never empty).
    mass_before = sorted_probs.cumsum(dim=-1) - sorted_probs
    sorted_probs = sorted_probs.masked_fill(mass_before >= top_p, 0.0)
    picks = torch.multinomial(sorted_probs, num_samples=1, generator=generator)
    return order.gather(-1, picks).squeeze(-1)
