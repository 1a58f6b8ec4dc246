"""Tiny real transformers models for fast tests, built offline in about a second.

Each is a genuine GPT-2 (`GPT2LMHeadModel`) with a real byte-level BPE tokenizer
trained in memory on a little code. By default the weights are random, so the
text is noise: tests using it check behaviour (streaming, cancellation,
protocol), never quality. With `script`, the weights are set by hand so the
model writes that text over and over, whatever the prompt: a real model whose
output a test can predict (a line of code, or one token forever). Several
scripts separated by "|" share one chain: where they differ, the model gives
each continuation the same probability, so sampled candidates differ.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

_CORPUS = [
    "def add(a, b):\n    return a + b\n",
    "# Return the n-th Fibonacci number.\ndef fib(n):\n    if n < 2:\n        return n\n"
    "    return fib(n - 1) + fib(n - 2)\n",
    "for i in range(10):\n    print(i)\n",
    "class Point:\n    def __init__(self, x, y):\n        self.x = x\n        self.y = y\n",
    "function add(a, b) {\n  return a + b;\n}\n",
    "    return 1\n",
    "    return 2\n",
]


def build_tiny_model(
    directory: Path, *, n_positions: int = 4096, seed: int = 0, script: str | None = None
) -> Path:
    """Write a tiny GPT-2 and its tokenizer to `directory`; return the directory."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    raw = _train_tokenizer()
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
        tie_word_embeddings=script is None,
    )
    model = GPT2LMHeadModel(config)
    if script is not None:
        _follow_scripts(model, [raw.encode(part).ids for part in script.split("|")])
    directory.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def _train_tokenizer() -> Any:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    raw = Tokenizer(models.BPE())
    raw.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    raw.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=["<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    raw.train_from_iterator(_CORPUS * 4, trainer=trainer)
    return raw


def _follow_scripts(model: Any, scripts: list[list[int]]) -> None:
    """Turn the model into a fixed chain over the scripts' tokens.

    Each token is followed by the next token of every script it appears in (the
    last token by every script's first), any other token by every script's first
    token; several followers get equal probability. Attention and MLP outputs are
    zeroed, so the final hidden state is the current token's embedding; embeddings
    are one-hot "states" and the output head maps each state to its followers.
    """
    import torch

    followers: dict[int, set[int]] = {}
    for tokens in scripts:
        for position, token in enumerate(tokens):
            following = tokens[(position + 1) % len(tokens)]
            if position + 1 == len(tokens):
                followers.setdefault(token, set()).update(t[0] for t in scripts)
            else:
                followers.setdefault(token, set()).add(following)
    width = model.config.n_embd
    assert len(followers) < width, "scripts too long for the embedding width"
    other = len(followers)  # the state of every token outside the scripts
    with torch.no_grad():
        for block in model.transformer.h:
            for projection in (block.attn.c_proj, block.mlp.c_proj):
                projection.weight.zero_()
                projection.bias.zero_()
        model.transformer.wpe.weight.zero_()
        states = model.transformer.wte.weight
        states.zero_()
        states[:, other] = 10.0
        head = model.lm_head.weight
        head.zero_()
        for state, (token, nexts) in enumerate(sorted(followers.items())):
            states[token].zero_()
            states[token, state] = 10.0
            for following in nexts:
                head[following, state] = 10.0
        for first in {tokens[0] for tokens in scripts}:
            head[first, other] = 10.0


def build_line_model(directory: Path, script: str) -> Path:
    """A tiny GPT-2 that writes the lines of `script` in order, then again, whatever
    the prompt.

    Each distinct line is one token of its own (an added token), so a script can be
    real code in which words repeat (`x in xs if x in seen`): a chain over words
    could not say which word follows `in`, a chain over whole lines can.
    """
    import torch
    from tokenizers import AddedToken
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    raw = _train_tokenizer()
    lines = script.splitlines(keepends=True)
    raw.add_tokens([AddedToken(line, normalized=False) for line in dict.fromkeys(lines)])
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=raw, eos_token="<|endoftext|>")
    torch.manual_seed(0)
    config = GPT2Config(
        vocab_size=raw.get_vocab_size(),
        n_positions=4096,
        n_embd=32,
        n_layer=2,
        n_head=2,
        bos_token_id=0,
        eos_token_id=0,
        tie_word_embeddings=False,
    )
    model = GPT2LMHeadModel(config)
    _follow_scripts(model, [[raw.token_to_id(line) for line in lines]])
    directory.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def build_tiny_llama(directory: Path, seed: int = 0) -> Path:
    """A tiny random Llama: unlike GPT-2 (Conv1D layers), its layers are `nn.Linear`,
    as in the embedded Gemma, so int8 quantization has something to replace."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    raw = _train_tokenizer()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=raw, eos_token="<|endoftext|>")
    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=raw.get_vocab_size(),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        max_position_embeddings=4096,
        bos_token_id=0,
        eos_token_id=0,
        tie_word_embeddings=True,
    )
    directory.mkdir(parents=True, exist_ok=True)
    LlamaForCausalLM(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory
