"""Request bodies, prompt templates and event parsing for OpenAI-compatible servers."""

from __future__ import annotations

import json

import pytest

from lsp_codegen.engine.base import GenerationRequest
from lsp_codegen.engine.remote.wire import (
    Chunk,
    MalformedStream,
    Usage,
    healing_cut,
    parse_events,
    render_prompt,
    request_body,
    split_fim,
    template_problem,
    template_vocabulary,
)

FIM = "<fim_prefix>def f():\n    <fim_suffix>\nprint(f())\n<fim_middle>"


def test_first_candidate_is_greedy_and_others_sample() -> None:
    request = GenerationRequest("x = ", num_candidates=3, temperature=0.7, stop=("\n",), seed=5)
    first = request_body("m", request, 0, "", logprobs=True)
    third = request_body("m", request, 2, "", logprobs=True)
    assert first["temperature"] == 0.0 and third["temperature"] == 0.7
    assert first["seed"] == 5 and third["seed"] == 7
    assert first["stream"] is True and first["logprobs"] == 1 and first["stop"] == ["\n"]
    assert "n" not in first and first["prompt"] == "x ="  # healed: see below


def test_each_candidate_of_its_own_request_samples_at_its_scheduled_temperature() -> None:
    request = GenerationRequest("x = ", num_candidates=4, temperature=0.8, temperature_spread=0.5)
    temperatures = [
        request_body("m", request, i, "", logprobs=False)["temperature"] for i in range(4)
    ]
    assert temperatures == pytest.approx([0.0, 0.4, 0.8, 1.2])
    # One request for candidates 1 to 3 (`n`) has one temperature: the schedule's mean.
    assert request_body("m", request, 1, "", logprobs=False, n=3)["temperature"] == 0.8


def test_healing_cuts_trailing_spaces_after_text_only() -> None:
    def sent(prompt: str, template: str = "", *, heal: bool = True) -> str:
        request = GenerationRequest(prompt, heal=heal)
        body = request_body("m", request, 0, template, logprobs=False)
        return str(body.get("prompt", body.get("messages", [{}])[-1].get("content")))

    assert sent("    words ") == "    words"
    assert healing_cut(GenerationRequest("a =\t "), "") == "\t "
    assert sent("    words ", heal=False) == "    words "
    assert sent("def f():\n    ") == "def f():\n    "  # indentation stays as typed
    assert sent("words ", "chat") == "words "  # a chat reply does not continue a token
    assert sent(FIM, "suffix") == "def f():\n    "  # a prefix that ends a line's indentation


def test_chat_template_sends_messages() -> None:
    body = request_body("m", GenerationRequest("def f():"), 0, "chat", logprobs=True)
    assert "prompt" not in body and body["logprobs"] is True
    assert body["messages"][-1] == {"role": "user", "content": "def f():"}


def test_custom_template_and_suffix_field() -> None:
    assert split_fim(FIM) == ("def f():\n    ", "\nprint(f())\n")
    assert render_prompt("{suffix}||{prefix}", FIM) == ("\nprint(f())\n||def f():\n    ", None)
    assert render_prompt("suffix", FIM) == ("def f():\n    ", "\nprint(f())\n")
    assert render_prompt("suffix", "no markers") == ("no markers", None)
    assert render_prompt("", FIM) == (FIM, None)


def test_templates_choose_the_vocabulary_the_prompt_builder_sees() -> None:
    assert template_vocabulary("") == set()
    assert "<fim_middle>" in template_vocabulary("{prefix}")
    assert "<|fim_prefix|>" in template_vocabulary("qwen")
    assert template_problem("qwen") is None and template_problem("{prefix}<X>") is None
    problem = template_problem("nonsense")
    assert problem is not None and "remote.promptTemplate" in problem


def test_completion_event_with_logprobs_becomes_one_piece_per_token() -> None:
    event = {
        "choices": [
            {
                "index": 0,
                "text": "return a",
                "logprobs": {"tokens": ["return", " a"], "token_logprobs": [-0.5, -1.5]},
                "finish_reason": None,
            }
        ]
    }
    chunk = _one(json.dumps(event), chat=False)
    assert [(p.text, p.logprob) for p in chunk.pieces] == [("return", -0.5), (" a", -1.5)]
    assert chunk.finish_reason is None


def test_chat_event_and_done() -> None:
    event = {"choices": [{"index": 0, "delta": {"content": "x"}, "finish_reason": "stop"}]}
    chunk = _one(json.dumps(event), chat=True)
    assert chunk.pieces[0].text == "x" and chunk.finish_reason == "stop"
    assert parse_events("[DONE]", chat=True) is None


@pytest.mark.parametrize(
    "data",
    ["{not json", "[1, 2]", '{"object": "x"}', '{"error": {"message": "boom"}}'],
)
def test_malformed_events_are_errors(data: str) -> None:
    with pytest.raises(MalformedStream):
        parse_events(data, chat=False)


def _one(data: str, chat: bool) -> Chunk:
    """The one chunk an event of one choice parses to."""
    chunks = parse_events(data, chat)
    assert chunks is not None and len(chunks) == 1, chunks
    return chunks[0]


def _choice(index: int, text: str, logprob: float, finish: str | None = None) -> dict[str, object]:
    """One completion choice as vLLM streams it with `logprobs: 1`."""
    return {
        "index": index,
        "text": text,
        "logprobs": {"tokens": [text], "token_logprobs": [logprob]},
        "finish_reason": finish,
    }


def test_an_event_with_several_choices_gives_a_chunk_per_choice() -> None:
    event = {"choices": [_choice(1, " b", -0.25), _choice(0, " a", -0.5, "length")]}
    chunks = parse_events(json.dumps(event), chat=False)
    assert chunks is not None
    assert [(c.index, c.pieces[0].text, c.pieces[0].logprob) for c in chunks] == [
        (1, " b", -0.25),
        (0, " a", -0.5),
    ]
    assert [c.finish_reason for c in chunks] == [None, "length"]
    assert all(c.scored and c.usage is None for c in chunks)


def test_a_multi_choice_stream_keeps_each_choice_apart() -> None:
    """vLLM with `n` = 2: one choice per event, interleaved, then the usage of both."""
    events = [
        {"choices": [_choice(0, "x", -0.1)]},
        {"choices": [_choice(1, "y", -0.2)]},
        {"choices": [_choice(1, "z", -0.3, "stop")]},
        {"choices": [_choice(0, "w", -0.4, "length")]},
        {"choices": [], "usage": {"prompt_tokens": 8, "completion_tokens": 4, "total_tokens": 12}},
    ]
    texts: dict[int, str] = {}
    logprobs: dict[int, list[float]] = {}
    finishes: dict[int, str | None] = {}
    usage = None
    for event in events:
        for chunk in parse_events(json.dumps(event), chat=False) or ():
            for piece in chunk.pieces:
                texts[chunk.index] = texts.get(chunk.index, "") + piece.text
                logprobs.setdefault(chunk.index, []).append(piece.logprob)
            finishes[chunk.index] = chunk.finish_reason or finishes.get(chunk.index)
            usage = chunk.usage or usage
    assert texts == {0: "xw", 1: "yz"}
    assert logprobs == {0: [-0.1, -0.4], 1: [-0.2, -0.3]}
    assert finishes == {0: "length", 1: "stop"}
    assert usage == Usage(prompt_tokens=8, completion_tokens=4)


def test_chat_choices_and_usage_in_the_same_event() -> None:
    event = {
        "choices": [
            {"index": 0, "delta": {"content": "a"}, "finish_reason": None},
            {"index": 2, "delta": {"content": "c"}, "finish_reason": "stop"},
        ],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2},
    }
    chunks = parse_events(json.dumps(event), chat=True)
    assert chunks is not None
    assert [(c.index, "".join(p.text for p in c.pieces)) for c in chunks] == [
        (0, "a"),
        (2, "c"),
        (0, ""),
    ]
    assert chunks[-1].usage == Usage(3, 2) and not chunks[-1].pieces


@pytest.mark.parametrize(
    "usage", [None, {"prompt_tokens": 3}, {"prompt_tokens": "3", "completion_tokens": 1}, [1, 2]]
)
def test_missing_or_odd_usage_is_none(usage: object) -> None:
    chunks = parse_events(json.dumps({"choices": [], "usage": usage}), chat=False)
    assert chunks == (Chunk((), None),)


def test_n_and_usage_are_asked_for_only_when_wanted() -> None:
    request = GenerationRequest("x = ", num_candidates=4, temperature=0.8, seed=5)
    single = request_body("m", request, 0, "", logprobs=False)
    assert "n" not in single and "stream_options" not in single
    sampled = request_body("m", request, 1, "", logprobs=True, n=3, usage=True)
    assert sampled["n"] == 3 and sampled["temperature"] == 0.8 and sampled["seed"] == 6
    assert sampled["stream_options"] == {"include_usage": True}
