from stage import helpers

if __name__ == "__main__":
    parser = helpers.make_parser()
    parser.add_argument("--refine_steps", type=int, default=2)
    opt = parser.parse_args()
