"""Request bodies, prompt templates and event parsing for OpenAI-compatible servers."""

from __future__ import annotations

import json

import pytest

from lsp_codegen.engine.base import GenerationRequest
from lsp_codegen.engine.remote.wire import (
    MalformedStream,
    healing_cut,
    parse_event,
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
    chunk = parse_event(json.dumps(event), chat=False)
    assert chunk is not None
    assert [(p.text, p.logprob) for p in chunk.pieces] == [("return", -0.5), (" a", -1.5)]
    assert chunk.finish_reason is None


def test_chat_event_and_done() -> None:
    event = {"choices": [{"index": 0, "delta": {"content": "x"}, "finish_reason": "stop"}]}
    chunk = parse_event(json.dumps(event), chat=True)
    assert chunk is not None and chunk.pieces[0].text == "x" and chunk.finish_reason == "stop"
    assert parse_event("[DONE]", chat=True) is None


@pytest.mark.parametrize(
    "data",
    ["{not json", "[1, 2]", '{"object": "x"}', '{"error": {"message": "boom"}}'],
)
def test_malformed_events_are_errors(data: str) -> None:
    with pytest.raises(MalformedStream):
        parse_event(data, chat=False)
