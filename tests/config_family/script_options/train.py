import torch

from stage import config
from stage.config import get_arguments

if __name__ == "__main__":
    parser = get_arguments()
    parser.add_argument("--input_name", required=True)
    parser.add_argument("--train_mode", default="generation", choices=["generation", "harmonization", "animation"])
    opt = parser.parse_args()
    opt = config.post_config(opt)
    torch.manual_seed(0)
