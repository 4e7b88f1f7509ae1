from .labels import LabelTransform, LabelledImages, NUM_CLASSES
