"""The decode output head computes the same logits as the Linear it replaces."""

from __future__ import annotations

import torch
from torch import nn

from lsp_codegen.engine.output_head import DecodeHead, install_decode_head


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
