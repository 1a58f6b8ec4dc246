"""Token choice: greedy rows, nucleus sampling, log-probabilities on the model's scale."""

from __future__ import annotations

import torch

from lsp_codegen.engine.transformers.sampling import choose_tokens


def test_greedy_rows_take_the_argmax_and_report_model_logprobs() -> None:
    logits = torch.tensor([[0.0, 3.0, 1.0], [2.0, 0.0, 0.5]])
    tokens, logprobs = choose_tokens(logits, 0.8, 0.95, torch.tensor([True, True]))
    assert tokens.tolist() == [1, 0]
    expected = torch.log_softmax(logits, dim=-1)[[0, 1], [1, 0]]
    assert torch.allclose(logprobs, expected)


def test_tiny_top_p_keeps_only_the_most_likely_token() -> None:
    logits = torch.tensor([[0.0, 5.0, 1.0]] * 64)
    tokens, _ = choose_tokens(logits, 1.5, 1e-6, torch.zeros(64, dtype=torch.bool))
    assert set(tokens.tolist()) == {1}


def test_sampled_rows_vary_and_greedy_row_does_not() -> None:
    generator = torch.Generator().manual_seed(0)
    logits = torch.zeros(200, 10)
    logits[:, 3] = 0.1
    greedy = torch.tensor([i == 0 for i in range(200)])
    tokens, logprobs = choose_tokens(logits, 1.0, 1.0, greedy, generator)
    assert tokens[0].item() == 3
    assert len(set(tokens[1:].tolist())) > 5
    assert torch.all(logprobs < 0)


def test_temperature_zero_is_greedy_everywhere() -> None:
    logits = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
    tokens, _ = choose_tokens(logits, 0.0, 0.9, torch.tensor([False, False]))
    assert tokens.tolist() == [1, 0]


def test_pooled_nucleus_matches_the_full_nucleus() -> None:
    # A flat distribution over 1000 tokens: 256 of them cannot hold top_p = 0.95,
    # so the full sort must run: more distinct tokens than the pool holds appear.
    generator = torch.Generator().manual_seed(1)
    logits = torch.zeros(400, 1000)
    greedy = torch.zeros(400, dtype=torch.bool)
    tokens, _ = choose_tokens(logits, 1.0, 0.95, greedy, generator)
    assert len(set(tokens.tolist())) > 256


def test_nucleus_never_samples_outside_top_p() -> None:
    generator = torch.Generator().manual_seed(2)
    logits = torch.full((300, 2000), -20.0)
    logits[:, 7] = 5.0
    logits[:, 9] = 4.0  # p(7) ≈ 0.73, p(9) ≈ 0.27: top_p 0.9 keeps exactly these two
    tokens, _ = choose_tokens(logits, 1.0, 0.9, torch.zeros(300, dtype=torch.bool), generator)
    assert set(tokens.tolist()) == {7, 9}
