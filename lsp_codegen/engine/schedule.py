"""Each candidate's sampling temperature: candidate 0 greedy, the others spread out.

At one temperature for every sampled candidate, the embedded model often writes the
same body several times (7 of 8 candidates alike on a problem of bench/problems).
Spread from low to high, the first sampled candidates stay near the greedy answer and
the last ones range further; the mean temperature is the setting's, so
`temperatureSpread` 0 is the single temperature of before.
"""

from __future__ import annotations

from lsp_codegen.engine.base import GenerationRequest

# The hottest temperature a spread may reach (the `temperature` setting's own limit).
MAX_TEMPERATURE = 2.0


def candidate_temperature(request: GenerationRequest, index: int) -> float:
    """The temperature candidate `index` of `request` samples at; 0 means greedy.

    Candidate 0 is always greedy. Candidates 1 to N - 1 go evenly from
    temperature × (1 - spread) to temperature × (1 + spread), lowest first; with one
    sampled candidate, or spread 0, each samples at `request.temperature`.
    """
    if index == 0 or request.temperature <= 0:
        return 0.0
    sampled = request.num_candidates - 1
    spread = request.temperature_spread
    if sampled < 2 or spread <= 0:
        return request.temperature
    position = (index - 1) / (sampled - 1)  # 0 for the first sampled candidate, 1 for the last
    factor = 1.0 - spread + 2.0 * spread * position
    return min(MAX_TEMPERATURE, request.temperature * factor)


def candidate_temperatures(request: GenerationRequest) -> list[float]:
    """Every candidate's temperature, by index."""
    return [candidate_temperature(request, i) for i in range(request.num_candidates)]
