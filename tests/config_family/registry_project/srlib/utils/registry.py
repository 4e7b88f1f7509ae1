class Registry:
    """Maps a name to a class: ``@ARCH_REGISTRY.register()`` under the class's name, or under
    the name given."""

    def __init__(self, name):
        self._name = name
        self._obj_map = {}

    def register(self, name=None):
        def deco(cls):
            self._obj_map[name or cls.__name__] = cls
            return cls
        return deco

    def get(self, name):
        return self._obj_map[name]


ARCH_REGISTRY = Registry("arch")
