import networks

model1 = getattr(networks, "IlluminationNet")()
plain = networks.GeneratorBase(3)
