import torch

from nets import backbones, depth, encoders


def define_model(is_tiny):
    if is_tiny:
        original_model = backbones.tiny_resnet(pretrained=True)
        Encoder = encoders.BackboneEncoder(original_model)
        model = depth.DepthNet(Encoder, num_features=24, block_channel=[16, 32])
    return model


def main():
    model = define_model(is_tiny=True)
    model.load_state_dict(torch.load('checkpoints/depth.pth'))
    model.eval()


if __name__ == '__main__':
    main()
