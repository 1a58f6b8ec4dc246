"""Choosing the next token of every candidate row from one batch of logits."""

from __future__ import annotations

import torch

# Nucleus sampling first looks at this many most likely tokens: sorting them is
# far cheaper than sorting a 262k vocabulary, and the result is exact whenever
# they already hold `top_p` of the probability (otherwise the full sort runs).
_CANDIDATE_POOL = 256


def choose_tokens(
    logits: torch.Tensor,
    temperatures: torch.Tensor,
    top_p: float,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Pick one token per row; return (tokens, their log-probabilities).

    `logits` is (rows, vocab) and `temperatures` (rows,): each row's own temperature
    (engine/schedule.py). Rows at temperature 0 take the argmax; the others sample
    from their temperature-scaled distribution cut to the smallest set of tokens
    whose probability reaches `top_p` (nucleus sampling). The returned
    log-probability is always under the model's own distribution (temperature 1, no
    nucleus cut), so candidates decoded greedily and by sampling, at any
    temperature, are scored on the same scale.
    """
    logits = logits.float()
    tokens = logits.argmax(dim=-1)
    sampled = (temperatures > 0).nonzero().squeeze(-1)
    if sampled.numel() > 0:
        picks = _sample(logits[sampled], temperatures[sampled], top_p, generator)
        tokens = tokens.index_put((sampled,), picks)
    chosen = logits.gather(-1, tokens.unsqueeze(-1)).squeeze(-1)
    return tokens, chosen - torch.logsumexp(logits, dim=-1)


def _sample(
    logits: torch.Tensor,
    temperatures: torch.Tensor,
    top_p: float,
    generator: torch.Generator | None,
) -> torch.Tensor:
    """Nucleus sampling over temperature-scaled logits, one token per row (each row
    scaled by its own temperature)."""
    scaled = logits / temperatures.to(logits.dtype).unsqueeze(-1)
    probs = torch.softmax(scaled, dim=-1)
    pool = min(_CANDIDATE_POOL, probs.shape[-1])
    top_probs, top_ids = probs.topk(pool, dim=-1)  # sorted, most likely first
    if bool((top_probs.sum(dim=-1) < top_p).any()):
        top_probs, top_ids = probs.sort(dim=-1, descending=True)
    # Keep a token while the mass *before* it is below top_p, so the token that
    # crosses the threshold stays in (the nucleus is never empty).
    mass_before = top_probs.cumsum(dim=-1) - top_probs
    top_probs = top_probs.masked_fill(mass_before >= top_p, 0.0)
    picks = torch.multinomial(top_probs, num_samples=1, generator=generator)
    return top_ids.gather(-1, picks).squeeze(-1)
