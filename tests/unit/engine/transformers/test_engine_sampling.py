"""Token choice: greedy rows, each row's own temperature, nucleus sampling, log-probabilities
on the model's scale."""

from __future__ import annotations

import torch

from lsp_codegen.engine.transformers.sampling import choose_tokens


def test_greedy_rows_take_the_argmax_and_report_model_logprobs() -> None:
    logits = torch.tensor([[0.0, 3.0, 1.0], [2.0, 0.0, 0.5]])
    tokens, logprobs = choose_tokens(logits, torch.tensor([0.0, 0.0]), 0.95)
    assert tokens.tolist() == [1, 0]
    expected = torch.log_softmax(logits, dim=-1)[[0, 1], [1, 0]]
    assert torch.allclose(logprobs, expected)


def test_tiny_top_p_keeps_only_the_most_likely_token() -> None:
    logits = torch.tensor([[0.0, 5.0, 1.0]] * 64)
    tokens, _ = choose_tokens(logits, torch.full((64,), 1.5), 1e-6)
    assert set(tokens.tolist()) == {1}


def test_sampled_rows_vary_and_greedy_row_does_not() -> None:
    generator = torch.Generator().manual_seed(0)
    logits = torch.zeros(200, 10)
    logits[:, 3] = 0.1
    temperatures = torch.tensor([0.0 if i == 0 else 1.0 for i in range(200)])
    tokens, logprobs = choose_tokens(logits, temperatures, 1.0, generator)
    assert tokens[0].item() == 3
    assert len(set(tokens[1:].tolist())) > 5
    assert torch.all(logprobs < 0)


def test_temperature_zero_is_greedy_everywhere() -> None:
    logits = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
    tokens, _ = choose_tokens(logits, torch.zeros(2), 0.9)
    assert tokens.tolist() == [1, 0]


def test_pooled_nucleus_matches_the_full_nucleus() -> None:
    # A flat distribution over 1000 tokens: 256 of them cannot hold top_p = 0.95,
    # so the full sort must run: more distinct tokens than the pool holds appear.
    generator = torch.Generator().manual_seed(1)
    logits = torch.zeros(400, 1000)
    tokens, _ = choose_tokens(logits, torch.ones(400), 0.95, generator)
    assert len(set(tokens.tolist())) > 256


def test_nucleus_never_samples_outside_top_p() -> None:
    generator = torch.Generator().manual_seed(2)
    logits = torch.full((300, 2000), -20.0)
    logits[:, 7] = 5.0
    logits[:, 9] = 4.0  # p(7) ≈ 0.73, p(9) ≈ 0.27: top_p 0.9 keeps exactly these two
    tokens, _ = choose_tokens(logits, torch.ones(300), 0.9, generator)
    assert set(tokens.tolist()) == {7, 9}


def test_each_row_samples_at_its_own_temperature() -> None:
    # p(0) ≈ 0.73 at temperature 1: at 0.05 the first token is all but certain, at 3
    # the three tokens come close to even; one call holds both kinds of row.
    generator = torch.Generator().manual_seed(3)
    logits = torch.tensor([[1.0, 0.0, -1.0]]).repeat(600, 1)
    temperatures = torch.tensor([0.05] * 300 + [3.0] * 300)
    tokens, logprobs = choose_tokens(logits, temperatures, 1.0, generator)
    cold, hot = tokens[:300].tolist(), tokens[300:].tolist()
    assert cold.count(0) >= 299
    assert min(hot.count(t) for t in (0, 1, 2)) > 60
    # Whatever the temperature, the log-probability is the model's own.
    assert torch.allclose(
        logprobs, torch.log_softmax(logits, dim=-1).gather(-1, tokens[:, None])[:, 0]
    )
