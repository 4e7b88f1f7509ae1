def set_template(args):
    if args.template.find("paper") >= 0:
        args.n_resblocks = 32
