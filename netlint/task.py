"""Decide what a model is for from the shapes of its input and output."""

from __future__ import annotations

import inspect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from netlint.arguments.guessed import CLASS_WORDS

Shape = tuple[int, ...]
TASKS = ("image-to-image", "classification", "segmentation", "unknown")


@dataclass(frozen=True)
class ClassCount:
    """The number of classes a model's constructor parameter says it has (``n_classes=2``)."""

    value: int
    passed: bool  # the call that built the model gave it (else it is the parameter's default)


def class_count(factory: Any, args: tuple, kwargs: dict[str, Any]) -> ClassCount | None:
    """The class count the call gives the model, or else its default, when a parameter
    says so by name."""
    try:
        bound = inspect.signature(factory).bind_partial(*args, **kwargs)
    except (TypeError, ValueError):
        return None
    passed = set(bound.arguments)
    bound.apply_defaults()
    for name, value in bound.arguments.items():
        words = {*name.lower().strip("_").split("_"), name.lower().strip("_")}
        if words & CLASS_WORDS and isinstance(value, int) and not isinstance(value, bool):
            return ClassCount(value, name in passed)
    return None


@dataclass(frozen=True)
class Evidence:
    """What the model says about its task besides its output's shape."""

    names: tuple[str, ...] = ()  # the model's class and its bases ("U_Net", "nn.Module" left out)
    finals: tuple[str, ...] = ()  # the layers that produce the outputs ("Tanh", "softmax")
    # the submodules the forward called: (name, input shape, output shape), in call order
    called: tuple[tuple[str, Shape | None, Shape | None], ...] = ()
    inputs: tuple[str, ...] = ()  # the names of the forward's inputs ("content", "style")
    # the module tree's convolutions in registration order: (qualified name, in channels, out
    # channels); what is left to judge by when the forward did not run
    convolutions: tuple[tuple[str, int, int], ...] = ()


# Words of a class name that say the model makes images (a generator, a restoration network);
# short ones are whole words of the name (CamelCase or snake_case), long ones any part of it.
_IMAGE_MAKER_PARTS = ("generat", "restor", "denois", "deblur", "derain", "dehaz", "desnow", "inpaint",
                      "enhanc", "coloriz", "colouriz", "superres", "resolution", "styliz", "transfer",
                      "translat", "decoder", "synthes", "reconstruct", "render", "autoencoder")
_IMAGE_MAKER_WORDS = {"g", "gen", "netg", "sr", "vae", "ae"}
_PROBABILITIES = {"softmax", "log_softmax", "logsoftmax", "softmax2d"}
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def image_maker_name(names: Sequence[str]) -> str | None:
    """The first of ``names`` that says it makes images: ``EdgeGenerator``, ``NAFSSR``,
    ``DnCNN_denoiser``, ``Decoder`` (not ``U_Net``, ``SaliencyNet``)."""
    for name in names:
        lowered = name.lower()
        words = {w.lower() for part in name.split("_") for w in _WORDS.findall(part)}
        if (any(part in lowered for part in _IMAGE_MAKER_PARTS) or words & _IMAGE_MAKER_WORDS
                or any(len(w) >= 3 and w.endswith("sr") for w in words | {lowered})):
            return name
    return None


# Words of a class name that say the model predicts a per-pixel map that is no image: an
# estimator (of noise levels, illumination, a kernel), depth, saliency, density, heatmaps.
# An alpha matte is a dense prediction too: its opacity per pixel, as a mask is.
_MAP_PARTS = ("estimat", "salien", "density", "heatmap", "keypoint", "landmark", "transmission",
              "uncertaint", "confidence", "segment", "parsing", "disparit", "matting", "matte")
_MAP_WORDS = {"est", "depth", "count", "counter", "counting", "mask", "edge", "edges", "contour", "pose",
              "flow", "optical"}


# Words of a class name that say its per-pixel map is a value to regress (an alpha matte's
# opacity, a depth), not a probability: a final Sigmoid gives those values their range.
_VALUE_MAP_PARTS = ("matting", "matte", "depth", "disparit")


def regresses_values(name: str) -> bool:
    """Whether the class name says its dense map is values in a range (``MattingNet``,
    ``DepthNet``) rather than probabilities of a class (a mask, saliency, edges)."""
    return any(part in name.lower() for part in _VALUE_MAP_PARTS)


_MATTE = re.compile(r"(?i:matting|matte)")
_ESTIMATOR = re.compile(r"(?i:estimat)|(?:^|_|[a-z])Est(?![a-z])|(?:^|_)est(?![a-z])")


def map_predictor_name(names: Sequence[str]) -> str | None:
    """The first of ``names`` that says it predicts a map that is no image, when none says
    it makes images: ``Estimation_direct``, ``NoiseLevelEstimator``, ``DepthNet``, ``CrowdCounter``."""
    if image_maker_name(names) is not None:
        return None
    for name in names:
        lowered = name.lower()
        words = {w.lower() for part in name.split("_") for w in _WORDS.findall(part)}
        if any(part in lowered for part in _MAP_PARTS) or words & _MAP_WORDS:
            return name
    return None


def _fmt(shape: Shape) -> str:
    return "×".join(map(str, shape))


def infer_task(inputs: Sequence[Shape], outputs: Sequence[Shape], declared: str = "auto",
               classes: ClassCount | None = None, evidence: Evidence = Evidence()) -> tuple[str, str]:
    """(task, reason). A declared task wins; otherwise the first output that fits decides.
    ``classes``: the constructor's class count, when a parameter says so by name
    (``n_classes=2``): an output of that many channels is a class map, not an image. A
    default nobody passed is no evidence for an output with the input's own channel count
    (``num_classes=3`` left in a restoration network's signature). A map of 1 or 2 channels
    at the size of a colour input is a dense prediction (a mask, saliency, edges, depth),
    unless the model is named as an image maker; a map of any channels at the input's size from
    a model named as an estimator of a map (``Estimation_direct``, ``DepthNet``) and not as an
    image maker is one too; probabilities (a final softmax) are a class
    map whatever their channels. A forward that returns no image-shaped output (its own
    losses) is judged by the submodule it calls that makes an image from features (its
    decoder)."""
    if declared != "auto":
        return declared, "declared (--task or the config)"
    decided = _from_outputs(inputs, outputs, classes, evidence)
    if decided is None or decided[0] != "image-to-image":
        decided = _image_among_outputs(inputs, outputs, evidence) or decided
    if decided is not None:
        return decided
    shown = ", ".join(_fmt(s) or "a scalar" for s in outputs) or "none"
    if len(outputs) > 1 and not any(outputs):
        shown = f"{len(outputs)} scalars"
    made = _image_from_features(inputs, evidence.called)
    if made is not None:
        return "image-to-image", (f"the forward returns {shown}, not an image (losses or features); "
                                  f"{made}")
    if not inputs and not outputs:
        told = task_without_shapes(evidence, classes)
        if told is not None:
            return "image-to-image", f"the forward did not run, so no output shape: {told}"
    return "unknown", f"output {shown} fits no known task"


def _image_among_outputs(inputs: Sequence[Shape], outputs: Sequence[Shape], evidence: Evidence
                         ) -> tuple[str, str] | None:
    """A forward that returns several outputs, one of them an image of the input's size and
    channels that a submodule made (PSFRGAN's ParseNet returns its parsing map and the restored
    face, each trained with a loss of its own): an image-to-image model, whatever its first
    output is. A dense regression (a depth pyramid) and an input returned as it came are not."""
    image = next((s for s in inputs if len(s) == 4), None)
    if image is None or len(outputs) < 2 or not 1 <= image[1] <= 4:
        return None
    made = {tuple(shape) for _, _, shape in evidence.called if shape is not None}
    same = next((tuple(out) for out in outputs if tuple(out) == tuple(image) and tuple(out) in made), None)
    if same is None or tuple(outputs[0]) == same or _dense_regression(inputs, image, outputs, evidence) is not None:
        return None
    others = ", ".join(_fmt(s) or "a scalar" for s in outputs if tuple(s) != same)
    return "image-to-image", (f"output {_fmt(same)} is an image of the input's size and {same[1]} channels "
                              f"(the forward also returns {others})")


# The forward's input names that say what the model restores or translates, each with the task.
_INPUT_TASKS = (({"content"}, {"style", "styles"}, "style transfer"),
                ({"lr", "lq", "lowres"}, set(), "super-resolution"),
                ({"noisy", "noised"}, set(), "denoising"),
                ({"hazy", "haze"}, set(), "dehazing"),
                ({"rainy", "rain"}, set(), "deraining"),
                ({"blur", "blurry", "blurred"}, set(), "deblurring"),
                ({"masked"}, set(), "inpainting"),
                ({"gray", "grey", "grayscale", "greyscale"}, set(), "colorization"))
_NOT_IMAGE_MAKERS = re.compile(r"(?i:discriminat|critic|classif|encoder$)")
_DECODER_WORDS = {"decoder", "dec", "decode", "decoders", "dec1", "upsampler"}
_COLOUR = 3
# the most channels a convolution reading an image reads: a colour image with a mask and hints
# concatenated (a colorizer's L + ab hints + mask); a noise-to-image generator's read 64 or more
_IMAGE_AND_HINTS = 8


def task_without_shapes(evidence: Evidence, classes: ClassCount | None = None) -> str | None:
    """Why the model makes images, from what is there when the forward did not run: the names of
    its inputs (``content`` and ``style``, ``lr``, ``noisy``, ``hazy``, ``masked``…), a class named
    as an image maker with a convolution that reads an image (at most 8 channels: a noise-to-image
    generator's convolutions read features of a latent code), or a decoder whose last convolution
    mirrors the first back to 3 channels; None when the names say a map predictor, a
    discriminator or a classifier, or nothing says images."""
    if map_predictor_name(evidence.names) is not None or any(_NOT_IMAGE_MAKERS.search(n) for n in evidence.names[:1]):
        return None
    named = _task_of_inputs(evidence.inputs)
    if named is not None:
        return named
    if not evidence.convolutions:
        return None
    (_, reads, _), (last, _, makes) = evidence.convolutions[0], evidence.convolutions[-1]
    reader, fewest, _ = min(evidence.convolutions, key=lambda c: c[1])
    maker = image_maker_name(evidence.names)
    if maker is not None and fewest <= _IMAGE_AND_HINTS:
        return (f"{maker} is named as an image generator and its convolution {reader} reads {fewest} channels "
                "(an image, with its masks or hints): not a latent code")
    decoder = any({w.lower() for w in _WORDS.findall(part)} & _DECODER_WORDS or part.lower() in _DECODER_WORDS
                  for part in last.split("."))
    if decoder and reads == makes == _COLOUR and (classes is None or classes.value != makes):
        return (f"the last convolution of its decoder ({last}) makes {makes} channels, as many as the first "
                "reads: a decoder mirroring the encoder back to an image")
    return None


def _task_of_inputs(inputs: Sequence[str]) -> str | None:
    """What the forward's input names say the model restores or translates (``content`` and
    ``style``, ``lr``, ``noisy``, ``hazy``, ``masked``…), None when they say nothing."""
    words = set().union(*map(_input_words, inputs))
    for first, second, task in _INPUT_TASKS:
        if words & first and (not second or words & second):
            named = [name for name in inputs if _input_words(name) & (first | second)]
            return f"its inputs {', '.join(named)} name the images of {task}"
    return None


def _input_words(name: str) -> set[str]:
    """The words of an input's name, lower-cased: ``style_img`` and ``styleImg`` give style, img."""
    return {w.lower() for part in name.split("_") for w in (part, *_WORDS.findall(part))}


def _from_outputs(inputs: Sequence[Shape], outputs: Sequence[Shape], classes: ClassCount | None,
                  evidence: Evidence) -> tuple[str, str] | None:
    image = next((s for s in inputs if len(s) == 4), None)
    batch = inputs[0][0] if inputs and inputs[0] else None
    dense = _dense_regression(inputs, image, outputs, evidence) if image is not None else None
    for out in outputs:
        if image is not None and len(out) == 4:
            if dense is not None and out == dense[0]:
                return "segmentation", dense[1]
            scale = _integer_scale(image[2:], out[2:])
            if scale is None:
                if out[1] == image[1] and _integer_scale(out[2:], image[2:]) in (2, 4):
                    return "image-to-image", (f"output {_fmt(out)} is an image of the input's {out[1]} "
                                              "channels, a part of its size (a region to fill in)")
                continue
            size = "keeps the input size" if scale == 1 else f"is the input scaled ×{scale}"
            if scale == 1 and classes is not None and out[1] == classes.value \
                    and (classes.passed or out[1] != image[1]):
                given = "given to the constructor" if classes.passed else "the constructor's default"
                return "segmentation", (f"output {_fmt(out)} keeps the input size with one channel "
                                        f"per class ({classes.value}, the class count {given})")
            if scale == 1 and evidence.finals and all(f.lower() in _PROBABILITIES for f in evidence.finals):
                return "segmentation", (f"output {_fmt(out)} keeps the input size and is per-pixel "
                                        f"probabilities (a final {evidence.finals[0]} over {out[1]} classes)")
            if scale == 1 and (mapper := map_predictor_name(evidence.names)) is not None \
                    and (_ESTIMATOR.search(mapper) or _MATTE.search(mapper)
                         or all(s[1] != out[1] for s in _refinable(inputs, evidence))):
                # (a depth map from a depth map is the input refined: depth super-resolution; an
                # estimator's map has the input's channels when it estimates one per channel, a
                # matting network's its alpha, foreground and error maps whatever their count)
                return "segmentation", (f"output {_fmt(out)} keeps the input size with {out[1]} channels, and "
                                        f"{mapper} is named as an estimator of a per-pixel map (noise levels, depth, "
                                        "saliency, density, an alpha matte), not an image maker")
            if scale == 1 and out[1] <= 2 < image[1] and all(s[1] != out[1] for s in _refinable(inputs, evidence)):
                # (a U-Net "decoder" making 1 or 2 channels from an image makes a map as often as
                # an image: a matting network's ``MobileNetV2UNetDecoder`` its alpha matte)
                maker = image_maker_name([re.sub("(?i)decoder", "", n) for n in evidence.names])
                if maker is None:
                    return "segmentation", (f"output {_fmt(out)} keeps the input size with {out[1]} "
                                            f"channel{'s' if out[1] > 1 else ''} from the input's {image[1]}: "
                                            "a per-pixel map (a mask, saliency, edges, depth), not an image, "
                                            "and the class is not named as an image generator")
                return "image-to-image", (f"output {_fmt(out)} {size} with {out[1]} channels from the input's "
                                          f"{image[1]}, and {maker} is named as an image generator")
            if out[1] == image[1] > _IMAGE_AND_HINTS and image_maker_name(evidence.names) is None:
                # (a Generator's 64 → 64 is more likely channel counts guessed from ``input_dim``)
                return "unknown", (f"output {_fmt(out)} {size} with the input's {out[1]} channels: features made "
                                   "from features (a block of a network), not an image")
            if 1 <= out[1] <= 4 or out[1] == image[1]:
                return "image-to-image", f"output {_fmt(out)} {size} with {out[1]} channels"
            if scale == 1 and (told := _task_of_inputs(evidence.inputs)) is not None:
                return "image-to-image", (f"output {_fmt(out)} keeps the input size with {out[1]} channels, a "
                                          f"feature map rather than class scores (no class count, no softmax), "
                                          f"and {told}")
            if scale == 1:
                return "segmentation", f"output {_fmt(out)} keeps the input size with {out[1]} channels"
        if len(out) == 2 and out[0] == batch:
            return "classification", f"output {_fmt(out)} is one vector of {out[1]} per sample"
    return None


# Words of a module's name that say the map it makes is a value per pixel to regress (a
# disparity, a depth, an optical flow), not an image: MonoDepth's ``disp1_layer``, ``get_disp``.
_DENSE_WORDS = {"disp", "disps", "disparity", "disparities", "depth", "depths", "flow", "flows", "optical"}
_PYRAMID = 3  # outputs at the input's size, a half, a quarter…: a prediction supervised at several scales


def _dense_regression(inputs: Sequence[Shape], image: Shape, outputs: Sequence[Shape],
                      evidence: Evidence) -> tuple[Shape, str] | None:
    """The output that is a dense regression, with why, when the class is not named as an image
    maker: a map the forward's module named as a disparity, depth or flow makes (unless it has
    the channels of an image input: then it may be that map refined; a head that is a single
    convolution is named by the convolutions making its channels), or a pyramid of maps of
    1 or 2 channels at the input's size and each half of the one before (MonoDepth's four
    disparities)."""
    if image_maker_name(evidence.names) is not None:
        return None
    maps = [s for s in outputs if len(s) == 4 and _integer_scale(image[2:], s[2:]) == 1]
    for out in maps:
        # the submodule that made it, else a convolution making its channels (a head is a leaf)
        makers = [next((name for name, _, made in reversed(evidence.called) if made == out), ""),
                  *(name for name, _, made in evidence.convolutions if made == out[1])]
        maker = next((m for m in makers if _name_words(m) & _DENSE_WORDS), None)
        if maker is not None and all(s[1] != out[1] for s in _refinable(inputs, evidence)):
            return out, (f"output {_fmt(out)} keeps the input size with {out[1]} channels, made by {maker}, named as a "
                         "disparity, depth or flow map: a dense prediction, not an image")
        pyramid = [out]
        for shape in outputs:
            last = pyramid[-1]
            if len(shape) == 4 and shape[1] == out[1] and shape[2:] == (last[2] // 2, last[3] // 2):
                pyramid.append(shape)
        if out[1] <= 2 and len(pyramid) >= _PYRAMID:
            sizes = ", ".join(f"{s[2]}×{s[3]}" for s in pyramid)
            return out, (f"outputs {_fmt(out)} and {len(pyramid) - 1} more at {sizes}: a map of {out[1]} "
                         f"channel{'s' if out[1] > 1 else ''} predicted at {len(pyramid)} scales (a disparity, depth "
                         "or flow supervised at each), not an image")
    return None


def _name_words(name: str) -> set[str]:
    """The words of a qualified module name, lower-cased: ``disp1_layer.conv1`` gives disp, layer, conv."""
    return {w.lower() for part in name.replace(".", "_").split("_") for w in _WORDS.findall(part)}


# Words of an input's name that say it is a map given alongside the image (a mask, a segmentation,
# a trimap), not an image the model refines: its channel count says nothing about the output's.
_GUIDE_MAP_WORDS = {"mask", "masks", "seg", "segmentation", "trimap", "alpha", "parsing", "edge", "edges"}


def _refinable(inputs: Sequence[Shape], evidence: Evidence) -> list[Shape]:
    """The image inputs an output of the same channels could be a refinement of: all but those
    named as guide maps (``forward(image, back, seg, multi)``: ``seg`` is no image to refine)."""
    named = evidence.inputs if len(evidence.inputs) == len(inputs) else ("",) * len(inputs)
    return [s for s, name in zip(inputs, named) if len(s) == 4 and not _input_words(name) & _GUIDE_MAP_WORDS]


def _image_from_features(inputs: Sequence[Shape], called) -> str | None:
    """The submodule the forward called that turns features into an image like the input
    (its channels, the input's size or a multiple of it), read from something that is not
    that image: a decoder. A module named as an image maker first."""
    image = next((s for s in inputs if len(s) == 4), None)
    if image is None:
        return None
    makers = []
    for name, read, made in called:
        if (made is None or len(made) != 4 or made[1] != image[1] or read is None
                or (len(read) == 4 and read[1] == image[1])):
            continue
        scale = _integer_scale(image[2:], made[2:])
        if scale is not None:
            makers.append((name, read, made, scale))
    if not makers:
        return None
    name, read, made, scale = next((m for m in makers if image_maker_name([m[0].rsplit(".", 1)[-1]])), makers[-1])
    size = "the input's size" if scale == 1 else f"the input's size ×{scale}"
    return (f"{name} makes an image of the input's {image[1]} channels at {size} ({_fmt(made)}) "
            f"from features {_fmt(read)}: an image generator trained by its own forward")


def _integer_scale(before: Sequence[int], after: Sequence[int]) -> int | None:
    if any(b == 0 for b in before) or any(a % b for a, b in zip(after, before)):
        return None
    factors = {a // b for a, b in zip(after, before)}
    if len(factors) != 1:
        return None
    factor = factors.pop()
    return factor if factor in (1, 2, 3, 4, 8) else None


MASK_LOSSES = ("BCELoss", "BCEWithLogitsLoss", "DiceLoss", "DiceBCELoss", "BCEDiceLoss", "SoftDiceLoss", "JaccardLoss",
               "LovaszLoss", "TverskyLoss", "FocalLoss")


def task_from_losses(task: str, reason: str, outputs: Sequence[Shape], losses) -> tuple[str, str]:
    """A 1-channel map the size of an image, trained with a binary or Dice loss (the training
    code's ``LossUse``), is a mask: segmentation, whatever the shapes suggested."""
    if task != "image-to-image":
        return task, reason
    for use in losses:
        if use.key:
            continue  # an entry of a returned dict: which output is the rules' to tell
        index = use.output or 0
        shape = outputs[index] if index < len(outputs) else None
        if shape is not None and len(shape) == 4 and shape[1] == 1 and use.loss in MASK_LOSSES:
            return "segmentation", (f"output {_fmt(shape)} is one channel trained with {use.loss} at "
                                    f"{use.where}: a mask")
    return task, reason
