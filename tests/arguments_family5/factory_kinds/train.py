import yaml

from nets import make_discriminator, make_generator


def main(config_path="configs/generator/big.yaml"):
    with open(config_path) as f:
        config = yaml.safe_load(f)
    generator = make_generator(config, **config)
    discriminator = make_discriminator(**yaml.safe_load(open("configs/discriminator/patch.yaml")))
    return generator, discriminator


if __name__ == "__main__":
    main()
