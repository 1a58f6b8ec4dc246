"""The longest common prefix of two token lists: what a KV cache can keep between prompts."""

from __future__ import annotations


def common_prefix_length(old: list[int], new: list[int]) -> int:
    """Length of the longest common prefix of two token lists."""
    length = 0
    for a, b in zip(old, new, strict=False):
        if a != b:
            break
        length += 1
    return length
