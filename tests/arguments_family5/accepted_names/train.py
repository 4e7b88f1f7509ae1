import argparse

from model.matting import CoarseMatting

parser = argparse.ArgumentParser()
parser.add_argument("--model-backbone", type=str, required=True, choices=["resnet101", "resnet50", "mobilenetv2"])
parser.add_argument("--epochs", type=int, default=10)


def main():
    args = parser.parse_args()
    model = CoarseMatting(args.model_backbone)
    return model, args.epochs


if __name__ == "__main__":
    main()
