"""A tiny, randomly initialised but real transformers model for fast tests.

It is a genuine GPT-2 (`GPT2LMHeadModel`) with a real byte-level BPE tokenizer
trained in memory on a little Python; no network, built in well under a second.
Its output is random text, so tests that use it check behaviour (streaming,
cancellation, protocol), never the quality of the code.
"""

from __future__ import annotations

from pathlib import Path

_CORPUS = [
    "def add(a, b):\n    return a + b\n",
    "# Return the n-th Fibonacci number.\ndef fib(n):\n    if n < 2:\n        return n\n"
    "    return fib(n - 1) + fib(n - 2)\n",
    "for i in range(10):\n    print(i)\n",
    "class Point:\n    def __init__(self, x, y):\n        self.x = x\n        self.y = y\n",
    "function add(a, b) {\n  return a + b;\n}\n",
]


def build_tiny_model(
    directory: Path, *, n_positions: int = 4096, seed: int = 0, constant_text: str | None = None
) -> Path:
    """Write a tiny GPT-2 and its tokenizer to `directory`; return the directory.

    With `constant_text`, the weights are set so that the model writes that
    token forever (never a newline, never end-of-text): a real model whose
    generations run as long as they are allowed to, for cancellation tests.
    """
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    raw = Tokenizer(models.BPE())
    raw.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    raw.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=["<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    raw.train_from_iterator(_CORPUS * 4, trainer=trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=raw, eos_token="<|endoftext|>")
    torch.manual_seed(seed)
    config = GPT2Config(
        vocab_size=raw.get_vocab_size(),
        n_positions=n_positions,
        n_embd=32,
        n_layer=2,
        n_head=2,
        bos_token_id=0,
        eos_token_id=0,
        tie_word_embeddings=constant_text is None,
    )
    model = GPT2LMHeadModel(config)
    if constant_text is not None:
        _always_emit(model, raw.token_to_id(constant_text))
    directory.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def _always_emit(model: object, token_id: int | None) -> None:
    """Make every position's hidden state one fixed vector that points at `token_id`."""
    import torch

    assert token_id is not None, "constant_text must be a single token of the vocabulary"
    with torch.no_grad():
        final_norm = model.transformer.ln_f  # type: ignore[attr-defined]
        final_norm.weight.zero_()
        final_norm.bias.fill_(1.0)
        head = model.lm_head.weight  # type: ignore[attr-defined]
        head.zero_()
        head[token_id].fill_(1.0)
