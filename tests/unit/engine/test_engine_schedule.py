"""Each candidate's temperature: candidate 0 greedy, the sampled ones spread low to high."""

from __future__ import annotations

import pytest

from lsp_codegen.engine.base import GenerationRequest
from lsp_codegen.engine.schedule import candidate_temperature, candidate_temperatures


def _request(n: int, temperature: float = 0.8, spread: float = 0.5) -> GenerationRequest:
    return GenerationRequest(
        "x = ", num_candidates=n, temperature=temperature, temperature_spread=spread
    )


def test_candidate_0_is_greedy_and_the_others_go_from_low_to_high() -> None:
    temperatures = candidate_temperatures(_request(8))
    assert temperatures[0] == 0.0
    # 0.8 × (1 ± 0.5), evenly over candidates 1 to 7.
    assert temperatures[1:] == pytest.approx(
        [0.4, 0.5333, 0.6667, 0.8, 0.9333, 1.0667, 1.2], abs=1e-3
    )
    assert sum(temperatures[1:]) / 7 == pytest.approx(0.8)  # the mean is the setting


def test_each_index_gets_its_own_temperature() -> None:
    request = _request(5, temperature=0.6, spread=0.67)
    for index, expected in enumerate([0.0, 0.198, 0.466, 0.734, 1.002]):
        assert candidate_temperature(request, index) == pytest.approx(expected, abs=1e-3)


def test_spread_0_is_one_temperature_for_every_sampled_candidate() -> None:
    assert candidate_temperatures(_request(4, spread=0.0)) == [0.0, 0.8, 0.8, 0.8]


def test_a_single_sampled_candidate_samples_at_the_setting() -> None:
    assert candidate_temperatures(_request(2)) == [0.0, 0.8]
    assert candidate_temperatures(_request(1)) == [0.0]


def test_temperature_0_is_greedy_everywhere_and_the_top_is_capped() -> None:
    assert candidate_temperatures(_request(4, temperature=0.0)) == [0.0] * 4
    hot = candidate_temperatures(_request(3, temperature=1.8, spread=0.5))
    assert hot == pytest.approx([0.0, 0.9, 2.0])  # 2.7 would be past the setting's own limit
