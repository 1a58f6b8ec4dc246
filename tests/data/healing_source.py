"""A small inventory module, written for the token-healing benchmark (bench/healing.py):
real code the model has not seen, cut at cursor positions inside its tokens."""

import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Item:
    name: str
    quantity: int = 0
    price: float = 0.0
    tags: list[str] = field(default_factory=list)

    def total_value(self) -> float:
        return self.quantity * self.price

    def has_tag(self, tag: str) -> bool:
        return tag.lower() in (existing.lower() for existing in self.tags)


class Inventory:
    def __init__(self) -> None:
        self.items: dict[str, Item] = {}

    def add(self, item: Item) -> None:
        existing = self.items.get(item.name)
        if existing is None:
            self.items[item.name] = item
        else:
            existing.quantity += item.quantity

    def remove(self, name: str, quantity: int) -> bool:
        item = self.items.get(name)
        if item is None or item.quantity < quantity:
            return False
        item.quantity -= quantity
        if item.quantity == 0:
            del self.items[name]
        return True

    def total_value(self) -> float:
        return sum(item.total_value() for item in self.items.values())

    def tagged(self, tag: str) -> list[Item]:
        return [item for item in self.items.values() if item.has_tag(tag)]

    def cheapest(self) -> Item | None:
        if not self.items:
            return None
        return min(self.items.values(), key=lambda item: item.price)

    def save(self, path: Path) -> None:
        records = [vars(item) for item in self.items.values()]
        path.write_text(json.dumps(records, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "Inventory":
        inventory = cls()
        for record in json.loads(path.read_text(encoding="utf-8")):
            inventory.add(Item(**record))
        return inventory


def restock(inventory: Inventory, minimum: int) -> list[str]:
    low = [item.name for item in inventory.items.values() if item.quantity < minimum]
    for name in low:
        inventory.items[name].quantity = minimum
    return sorted(low)
