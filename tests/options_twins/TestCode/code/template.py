def set_template(args):
    if args.template.find("RCAN") >= 0:
        args.n_feats = 64
