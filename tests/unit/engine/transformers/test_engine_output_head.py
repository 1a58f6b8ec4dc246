"""The decode output head computes the same logits (the same best ones, with its bf16
scan) as the Linear it replaces."""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from lsp_codegen.engine.base import CancelToken, GenerationRequest
from lsp_codegen.engine.transformers.engine import LocalEngine
from lsp_codegen.engine.transformers.loader import LoadOptions, load_local_engine
from lsp_codegen.engine.transformers.output_head import DecodeHead, install_decode_head


def test_same_logits_for_few_and_many_rows() -> None:
    linear = nn.Linear(16, 1000, bias=False)
    head = DecodeHead(linear)
    for shape in [(1, 1, 16), (4, 1, 16), (1, 40, 16)]:
        hidden = torch.randn(*shape)
        assert torch.allclose(head(hidden), linear(hidden), atol=1e-5)


def test_installed_on_a_real_model_keeps_weights_tied(tiny_model_dir: object) -> None:
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    ids = torch.tensor([[1, 2, 3]])
    before = model(input_ids=ids).logits
    assert install_decode_head(model)
    head = model.get_output_embeddings()
    assert isinstance(head, DecodeHead)
    assert head.weight is model.get_input_embeddings().weight
    assert torch.allclose(model(input_ids=ids).logits, before, atol=1e-5)


def test_a_head_with_bias_is_left_alone() -> None:
    class WithBias(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.head = nn.Linear(4, 8)

        def get_output_embeddings(self) -> nn.Module:
            return self.head

        def set_output_embeddings(self, module: nn.Module) -> None:
            raise AssertionError("must not be replaced")

    assert install_decode_head(WithBias()) is False


def test_bf16_scan_rescores_near_ties_exactly() -> None:
    # Two tokens whose logits differ by less than bfloat16 can tell apart (100 and
    # 100.05 round to the same bf16 value): the float32 rescoring still ranks them.
    torch.manual_seed(0)
    linear = nn.Linear(2, 1000, bias=False)
    with torch.no_grad():
        linear.weight.normal_(0.0, 0.01)
        linear.weight[10] = torch.tensor([100.0, 0.0])
        linear.weight[700] = torch.tensor([100.05, 0.0])
    head = DecodeHead(linear, torch.bfloat16)
    hidden = torch.tensor([[[1.0, 0.0]]])
    logits = head(hidden)
    assert int(logits.argmax()) == 700
    # The best few are exact; near the 32nd, bf16 may choose a different near-tie to rescore.
    assert torch.equal(logits.topk(8).indices, linear(hidden).topk(8).indices)
    assert torch.allclose(logits, linear(hidden), atol=0.5)  # the rest: bf16 precision


def test_bf16_scan_only_for_single_rows() -> None:
    linear = nn.Linear(16, 1000, bias=False)
    head = DecodeHead(linear, torch.bfloat16)
    hidden = torch.randn(4, 1, 16)
    assert torch.allclose(head(hidden), linear(hidden), atol=1e-5)  # several rows: float32
    single = torch.randn(1, 1, 16)
    assert torch.allclose(head(single), linear(single), atol=0.05)


async def test_engine_on_cpu_scans_with_bf16_and_decodes_the_same_greedy_tokens(
    tiny_model_dir: Path,
) -> None:
    fast, slow = _load(tiny_model_dir), _load(tiny_model_dir)
    head = fast._model.get_output_embeddings()
    assert isinstance(head, DecodeHead) and head.scan_weight is not None
    assert head.scan_weight.dtype == torch.bfloat16
    reference = slow._model.get_output_embeddings()
    reference.scan_weight = None  # the float32 head
    calls = []
    head.register_forward_hook(lambda _m, args, _out: calls.append(args[0].shape))
    for prompt in ["def add(a, b):", "for i in range(", "class Point:\n", "x = 1\ny ="]:
        request = GenerationRequest(prompt, num_candidates=1, max_new_tokens=24, temperature=0.0)
        got, want = await _steps(fast, request), await _steps(slow, request)
        assert [delta for delta, _ in got] == [delta for delta, _ in want]
        # Log-probabilities: exact numerators, a normalizer summed over bf16 logits.
        assert all(abs(a - b) < 0.01 for (_, a), (_, b) in zip(got, want, strict=True))
    # The prefill and every step projected a single row: the bf16 scan served them all.
    assert calls and all(shape[:-1].numel() == 1 for shape in calls)
    fast.close()
    slow.close()


def _load(model_dir: Path) -> LocalEngine:
    return load_local_engine(LoadOptions(model=str(model_dir)), lambda _: None, lambda _: None)


async def _steps(engine: LocalEngine, request: GenerationRequest) -> list[tuple[str, float]]:
    """Each step's text and log-probability."""
    return [(u.delta, u.logprob) async for u in engine.stream(request, CancelToken())]
