"""The `quantize: "int8"` load option: int8 Linear layers that still generate."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch.ao.nn.quantized.dynamic import Linear as Int8Linear

from lsp_codegen.engine.base import CancelToken, EngineError, GenerationRequest
from lsp_codegen.engine.transformers.loader import LoadOptions, load_local_engine
from lsp_codegen.engine.transformers.quantize import quantize_int8
from tests.tiny_model import build_tiny_llama


@pytest.fixture(scope="module")
def llama_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_llama(tmp_path_factory.mktemp("tiny-llama"))


async def test_int8_loads_and_generates(llama_dir: Path) -> None:
    options = LoadOptions(model=str(llama_dir), quantize="int8")
    engine = load_local_engine(options, lambda _: None, lambda _: None)
    assert engine.info().dtype == "float32+int8"
    modules = list(engine._model.modules())
    assert sum(isinstance(m, Int8Linear) for m in modules) == 15  # 7 per layer, and the head
    assert isinstance(engine._model.get_output_embeddings(), Int8Linear)
    assert not any(isinstance(m, torch.nn.Linear) for m in modules)
    request = GenerationRequest("def add(a, b):", num_candidates=2, max_new_tokens=16)
    updates = [u async for u in engine.stream(request, CancelToken())]
    assert {u.index for u in updates} == {0, 1}
    assert all(u.finish_reason in ("length", "eos") for u in updates if u.done)
    assert sum(1 for u in updates if u.delta) > 0
    engine.close()


def test_int8_is_cpu_only() -> None:
    with pytest.raises(EngineError, match="quantize"):
        quantize_int8(torch.nn.Linear(4, 4), torch.device("cuda"))


def test_none_leaves_float32_layers(llama_dir: Path) -> None:
    engine = load_local_engine(LoadOptions(model=str(llama_dir)), lambda _: None, lambda _: None)
    assert engine.info().dtype == "float32"
    assert not any(isinstance(m, Int8Linear) for m in engine._model.modules())
    engine.close()
