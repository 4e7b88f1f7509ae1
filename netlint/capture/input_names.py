"""What an input's name says it is, whatever layer reads it: a mask or map, a label, an image."""

from __future__ import annotations

# Input names that say what an input is, whatever layer reads it
MASK_WORDS = {"mask", "masks", "m", "inst", "instance", "instances", "edge", "edges", "hole", "holes", "valid",
              "occlusion", "trimap", "alpha",
              "sigma", "sigmas", "level", "levels"}  # a noise-level map: one channel, like a mask
LABEL_WORDS = {"label", "labels", "y", "c", "cls", "class", "classes", "cond", "condition", "onehot",
               "attr", "attrs", "domain", "target_label", "class_id", "class_ids"}
IMAGE_WORDS = {"x", "img", "image", "images", "input", "src", "source", "ref", "reference", "target",
               "real", "fake", "photo", "content", "lr", "hr", "a", "b", "blur", "noisy", "masked"}


def name_words(name: str) -> set[str]:
    parts = [p for p in name.lower().strip("_").split("_") if p]
    return {*parts, name.lower().strip("_")}


def is_mask(name: str, spelled_out: bool = False) -> bool:
    """Whether the name says a mask or map; ``spelled_out``: by a word longer than a letter
    (``f_m`` is a feature map of valid regions as well)."""
    return any(len(word) > 1 or not spelled_out for word in name_words(name) & MASK_WORDS)


def is_label(name: str) -> bool:
    return bool(name_words(name) & LABEL_WORDS) and not is_mask(name)
